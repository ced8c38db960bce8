/**
 * The console's stylesheet: small, our own, inlined with a CSP nonce (no framework, no font or
 * file to fetch). Focus is always visible, for keyboard users.
 */
export const CONSOLE_STYLE = `
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f5f8;color:#1d2330}
a{color:#2447b8}
.top{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.75rem 1.5rem;background:#1d2330;color:#fff}
.top a{color:#fff}.brand{font-weight:600;text-decoration:none}
.who{font-size:.9rem;color:#c9cfdb}.who a{margin-left:.75rem}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}
h1{font-size:1.5rem;margin:.25rem 0 .5rem}h2{font-size:1.15rem;margin:0 0 .75rem}
.crumbs{font-size:.9rem;color:#5b6475}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002;padding:1.25rem 1.5rem;margin:0 0 1.25rem}
.stats{display:flex;gap:1rem;margin:.5rem 0 1.25rem;padding:0;list-style:none}
.stats li{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002;padding:.6rem 1rem}
.stats strong{font-size:1.3rem;margin-right:.35rem}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
.hint{color:#5b6475;font-size:.88rem;margin:0 0 .35rem}
textarea,input[type=text],input[type=search],input[type=email],select{font:inherit;padding:.45rem .6rem;border:1px solid #aab1bf;border-radius:6px;background:#fff;color:inherit}
textarea{width:100%;min-height:4.5rem;resize:vertical}
textarea[aria-invalid=true]{border-color:#b42318}
.row{display:flex;gap:1rem;align-items:flex-end;flex-wrap:wrap}
.row>div{display:flex;flex-direction:column}
button,.button{font:inherit;padding:.45rem 1rem;border-radius:6px;border:1px solid #2f5bd3;background:#fff;color:#2f5bd3;cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#2f5bd3;color:#fff}
button.danger{border-color:#b42318;color:#b42318}
button.small{padding:.2rem .6rem;font-size:.85rem}
:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
.field-errors{margin:.4rem 0 0;padding:.5rem .75rem .5rem 1.75rem;background:#fef3f2;border:1px solid #fda29b;border-radius:6px;color:#912018}
.flash{padding:.7rem 1rem;border-radius:8px;margin:0 0 1.25rem}
.flash.ok{background:#ecfdf3;border:1px solid #75e0a7;color:#085d3a}
.flash.error{background:#fef3f2;border:1px solid #fda29b;color:#912018}
.tabs{display:flex;gap:.25rem;flex-wrap:wrap;border-bottom:1px solid #d5d9e2;margin:0 0 .75rem}
.tabs a{padding:.4rem .8rem;text-decoration:none;border-radius:6px 6px 0 0;color:#394256}
.tabs a[aria-current=page]{background:#2f5bd3;color:#fff}
.search{margin:0 0 .75rem}.search label{margin:0}
table{width:100%;border-collapse:collapse;font-size:.92rem}
.table-wrap{overflow-x:auto}
th,td{text-align:left;padding:.5rem .5rem;border-bottom:1px solid #e6e8ee;vertical-align:top}
th{color:#5b6475;font-weight:600;font-size:.85rem}
td.email{overflow-wrap:break-word;min-width:12rem}
time{white-space:nowrap}
.actions{display:flex;gap:.4rem}
.actions form{margin:0}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600;background:#eef0f4;color:#394256}
.badge.pending{background:#fff4d6;color:#7a4d00}.badge.accepted{background:#dcfae6;color:#085d3a}
.badge.revoked,.badge.declined{background:#fee4e2;color:#912018}.badge.expired{background:#eef0f4;color:#5b6475}
.badge.sent{background:#dcfae6;color:#085d3a}.badge.failed{background:#fee4e2;color:#912018}
.muted{color:#5b6475;font-size:.85rem}
.pager{display:flex;gap:1rem;align-items:center;margin-top:.75rem;font-size:.9rem}
.empty{color:#5b6475;padding:1rem 0}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ul.orgs{list-style:none;padding:0;margin:0}ul.orgs li{padding:.5rem 0;border-bottom:1px solid #e6e8ee}
`;
