// The HTML report's stylesheet. Text wraps inside its own box everywhere; only short figures are
// kept on one line.
export const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:1120px;padding:0 1rem;color:#222}
h1{margin:.2rem 0}h2{margin:2.2rem 0 .6rem;padding-top:.6rem;border-top:2px solid #e0e0e0}h3{margin:1.2rem 0 .4rem;font-size:15px}
a{color:#1565c0}.meta{color:#555;margin:.2rem 0}.sub{color:#666;font-size:12px;font-weight:400}
.ok{color:#2e7d32}.bad{color:#c62828;font-weight:600}
nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.8rem 0;padding:.5rem .7rem;background:#f5f5f5;border-radius:4px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:.8rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.7rem .9rem;min-width:0}
.card h3{margin:0 0 .2rem;font-size:14px}.card h3 a{color:#222;text-decoration:none}
.card .figure{font-size:30px;font-weight:700;margin:.1rem 0;color:#2e7d32;font-variant-numeric:tabular-nums}
.card .basis{margin:.1rem 0;color:#555;font-size:12.5px;overflow-wrap:anywhere}
.card .nf{margin:.4rem 0 0;font-size:12.5px;font-weight:600}.card ul{margin:.1rem 0 0;padding-left:1.1rem;font-size:12.5px}
.card li{overflow-wrap:anywhere}
.compared dl{margin:.2rem 0}.compared table.pairs td{font-size:12.5px}.compared .pair{display:grid;grid-template-columns:7.5em minmax(0,1fr);gap:.15rem .6rem;margin:.3rem 0 .6rem;padding:.4rem .6rem;background:#fafafa;border-left:3px solid #cfd8dc}
.compared dt{font-weight:600;color:#555}.compared dd{margin:0;overflow-wrap:anywhere}.compared dd.rows{color:#666;font-size:12.5px}
table{border-collapse:collapse;width:100%;margin:.8rem 0;table-layout:auto}
th,td{border-bottom:1px solid #e0e0e0;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th.n,td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;display:inline-block}
.matrix td.n{min-width:6em}table.kinds th.n{white-space:normal}td.worse{color:#c62828;font-weight:600}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.35rem;overflow-wrap:anywhere}
.chart .bar-row{display:grid;grid-template-columns:minmax(0,34%) minmax(0,1fr) var(--value-width,6em);gap:.6rem;align-items:center;margin:3px 0}
.chart .label{font-size:12.5px;text-align:right;overflow-wrap:anywhere;line-height:1.25}
.chart .track{position:relative;height:16px;background:#f3f3f3}
.chart .bar{position:absolute;left:0;top:0;bottom:0;min-width:2px}
.chart .mark{position:absolute;top:-3px;bottom:-3px;border-left:2px dashed #333}
.chart .value{font-size:12.5px;font-variant-numeric:tabular-nums;white-space:nowrap}
.chart .axis .track{background:none;height:1.3em}
.chart .tick{position:absolute;top:0;transform:translateX(-50%);font-size:11px;color:#666;white-space:nowrap}
.chart .tick.first{transform:none}.chart .tick.last{transform:translateX(-100%)}
.multiples{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}.series{margin:.4rem 0;width:460px;max-width:100%}
.series svg{display:block;max-width:100%;height:auto}
svg text{font:11px system-ui,sans-serif;fill:#555}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:12.5px;margin:.3rem 0}
.legend .swatch{display:inline-block;width:22px;height:0;border-top:3px solid;vertical-align:middle;margin-right:.35rem}
.legend .swatch.dashed{border-top-style:dashed}
details summary{cursor:pointer;color:#1565c0;margin:.4rem 0}details.notes ul{font-size:12.5px;margin:.2rem 0}
details.notes li{overflow-wrap:anywhere}
code{font-size:12.5px;overflow-wrap:anywhere}
`;
