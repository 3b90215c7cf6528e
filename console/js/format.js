// Money in won, times in KST (the API stores and answers UTC).
//
// One money format everywhere: a negative amount takes the minus sign (U+2212), never "-". A signed
// amount (balances, charges, the refund calculator, a settlement) is the money's direction seen from
// the shop: "+" comes in (the buyer pays or is charged), "−" goes out (refunded to the buyer); its
// colour follows (moneyClass). Plain amounts (a price, a payment) carry no sign.
const wonFmt = new Intl.NumberFormat("ko-KR");
const MINUS = "\u2212";
export const num = (n) => `${n < 0 ? MINUS : ""}${wonFmt.format(Math.abs(n || 0))}`;
export const won = (n) => (n === null || n === undefined ? "-" : `${num(n)}원`);
/** "+3,000원" / "−3,000원" / "0원": a direction from the shop (see above). */
export const signedWon = (n) => `${n > 0 ? "+" : ""}${won(n || 0)}`;
/** The class that colours a signed amount by its direction (app.css .money-in / .money-out). */
export const moneyClass = (n) => (n > 0 ? "money-in" : n < 0 ? "money-out" : "money-zero");

const kstFmt = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  hour12: false,
});
export function kst(iso) {
  if (!iso) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(kstFmt.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today (KST) as YYYY-MM-DD, `days` from now. */
export function kstDay(days = 0) {
  const d = new Date(Date.now() + days * 86400000 + 9 * 3600000);
  return d.toISOString().slice(0, 10);
}

/** A datetime-local value (read as KST) → ISO with the +09:00 offset the API needs. */
export const kstInputToIso = (v) => (v ? `${v.length === 16 ? `${v}:00` : v}+09:00` : undefined);

export function maskPhone(p) {
  return p ? p.replace(/(\d{2,3})-?(\d{3,4})-?(\d{4})/, (_, a, b, c) => `${a}-${"*".repeat(b.length)}-${c}`) : "";
}
