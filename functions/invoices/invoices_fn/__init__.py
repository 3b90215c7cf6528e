"""InvoicesFunction: S3 ObjectCreated → invoice workbook ingestion; the template download route."""
