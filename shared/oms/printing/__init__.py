"""Order sheets (주문서): one view of an order for packing, as HTML with print CSS and as a PDF
rendered in the function (reportlab, Korean TTF embedded as a subset). Needs the ``print`` extra;
import only from the exports function (it must not load in the admin API's cold start)."""
