// (section of the order detail: render(order, ctx) → Element, or null while there is nothing to show)
export function render(order, ctx) { // eslint-disable-line no-unused-vars
  return null;
}
