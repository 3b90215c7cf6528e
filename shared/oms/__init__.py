"""Order management v2: the domain layer shared by every function (shipped as a Lambda layer)."""
