// 설정: the site's settings by section.
import { api } from "../api.js";
import { h, problemBox } from "../ui.js";

export async function render(main) {
  main.append(h("h1", {}, "설정"));
  try {
    const settings = await api.get("/admin/settings");
    main.append(h("pre", {}, JSON.stringify(settings, null, 2)));
  } catch (err) {
    main.append(problemBox(err));
  }
}
