"""The 알림톡 sandbox's page: templates per sender profile with buttons that review them, the
not-a-KakaoTalk-user numbers, and every message (newest first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oms_local.alimtalk_sandbox import STATES, escape, kst

if TYPE_CHECKING:
    from oms_local.alimtalk_sandbox import AlimtalkSandbox

_SCRIPT = """<script>
async function post(path, body) {
  const r = await fetch(path, {method: 'POST', headers: {'content-type': 'application/json'},
                               body: JSON.stringify(body)});
  if (!r.ok) { alert(await r.text()); return; }
  location.reload();
}
function review(code, sender, state) {
  const body = {code, sender_key: sender, state};
  if (state === 'TSC04') { body.reason = prompt('반려 사유', '템플릿 검수 기준 미충족'); if (!body.reason) return; }
  post('/_sandbox/templates/state', body);
}
function notKakao() { const n = document.getElementById('nk').value.replace(/[^0-9]/g, '');
  if (n) post('/_sandbox/not-kakao-users', {number: n}); }
</script>"""


def render(sb: AlimtalkSandbox, site_id: str | None = None) -> str:
    parts = ["<!doctype html><meta charset='utf-8'><title>알림톡 sandbox</title>",
             "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px;"
             "vertical-align:top}table{border-collapse:collapse;margin-bottom:2em}pre{margin:0;white-space:pre-wrap}"
             ".refused{color:#b00}.TSC03{color:#070}.TSC04{color:#b00}</style>", _SCRIPT,
             f"<h1>알림톡 sandbox: {len(sb.templates)} template(s), {len(sb.messages)} message(s)</h1>",
             "<h2>Templates</h2><table><tr><th>provider</th><th>sender key</th><th>code</th><th>template id</th>"
             "<th>name</th><th>content</th><th>state</th><th>review</th></tr>"]
    for t in sorted(sb.templates.values(), key=lambda t: t.registered_at, reverse=True):
        buttons = "".join(
            f"<button data-state='{s}' onclick=\"review('{escape(t.template_id)}','{escape(t.sender_key)}','{s}')\">"
            f"{label}</button> " for s, label in STATES.items() if s != t.state)
        parts.append(f"<tr data-code='{escape(t.code)}'><td>{t.provider}</td><td>{escape(t.sender_key)}</td>"
                     f"<td>{escape(t.code)}</td><td>{escape(t.template_id)}</td><td>{escape(t.name)}</td>"
                     f"<td><pre>{escape(t.content)}</pre></td>"
                     f"<td class='{t.state}'>{t.state} {STATES[t.state]} {escape(t.reason)}</td>"
                     f"<td>{buttons}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Not KakaoTalk users</h2><p>" + (", ".join(sorted(sb.not_kakao)) or "(none)") +
                 "</p><input id='nk' placeholder='01012345678'> <button onclick='notKakao()'>mark</button>")
    rows = sb.list_messages(site_id)
    parts.append(f"<h2>Messages{' of ' + escape(site_id) if site_id else ''}</h2>")
    parts.append("<table><tr><th>received (KST)</th><th>provider</th><th>site</th><th>template</th><th>to</th>"
                 "<th>text</th><th>result</th></tr>")
    for m in rows:
        parts.append(f"<tr class='{m.result}'><td>{kst(m.received_at)}</td><td>{m.provider}</td>"
                     f"<td>{escape(m.site_id)}</td><td>{escape(m.template_code)}</td><td>{escape(m.to)}</td>"
                     f"<td><pre>{escape(m.text)}</pre></td>"
                     f"<td>{m.result} {escape(m.code)} {escape(m.detail)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
