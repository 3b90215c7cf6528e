// The courier catalog (GET /admin/couriers), read once per page load (a failed read is tried again
// next time), and the options of a 택배사 select.
import { api } from "./api.js";
import { h } from "./ui.js";

let catalog = null;

export function couriers() {
  if (!catalog) catalog = api.get("/admin/couriers").then((r) => r.couriers).catch((err) => { catalog = null; throw err; });
  return catalog;
}

/** Append the catalog's couriers to `select`; answers the read (it rejects when the catalog cannot be read). */
export function addCourierOptions(select) {
  return couriers().then((list) => select.append(...list.map((c) => h("option", { value: c.code }, c.name_ko))));
}
