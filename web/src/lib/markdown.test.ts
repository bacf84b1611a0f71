import { describe, expect, it } from "vitest";
import { escapeHtml, renderInline, renderMarkdown } from "./markdown";

describe("renderInline", () => {
  it("formats emphasis, code and links", () => {
    expect(renderInline("**a** *b* `c*d`")).toBe("<strong>a</strong> <em>b</em> <code>c*d</code>");
    expect(renderInline("[x](https://e.org/a?b=1&c=2)")).toBe('<a href="https://e.org/a?b=1&amp;c=2" rel="noopener noreferrer">x</a>');
    expect(renderInline("see actor/kl_loss and eval_acc")).toBe("see actor/kl_loss and eval_acc");
  });
  it("refuses javascript links and escapes html", () => {
    expect(renderInline("[x](javascript:alert(1))")).not.toContain("<a");
    expect(renderInline("<img src=x onerror=alert(1)>")).toBe("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("renderMarkdown", () => {
  it("renders the seed-shaped analysis", () => {
    const html = renderMarkdown("## Line Charts\n### Overview\nThree charts.\nSecond line.\n\n* **Blue:** rises\n* Red: flat\n\n1. one\n2. two");
    expect(html).toBe(
      "<h2>Line Charts</h2>\n<h3>Overview</h3>\n<p>Three charts. Second line.</p>\n<ul><li><strong>Blue:</strong> rises</li><li>Red: flat</li></ul>\n<ol><li>one</li><li>two</li></ol>",
    );
  });
  it("keeps code blocks verbatim", () => {
    expect(renderMarkdown("```\n<b>x</b>\n```")).toBe("<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>");
  });
  it("escapes", () => {
    expect(escapeHtml(`<"'&>`)).toBe("&lt;&quot;&#39;&amp;&gt;");
  });
  it("renders pipe tables, escaping their cells", () => {
    const html = renderMarkdown("*Key data points:*\n\n| step | red | <b>blue</b> |\n| --- | --- | --- |\n| 0 | 0.241 | **0.222** |\n| 10 | 0.334 |\n\nAfter.");
    expect(html).toContain("<table><thead><tr><th>step</th><th>red</th><th>&lt;b&gt;blue&lt;/b&gt;</th></tr></thead>");
    expect(html).toContain("<tr><td>0</td><td>0.241</td><td><strong>0.222</strong></td></tr>");
    expect(html).toContain("<tr><td>10</td><td>0.334</td><td></td></tr>");
    expect(html).toContain("<p>After.</p>");
  });
  it("leaves a pipe line without a delimiter row as text", () => {
    expect(renderMarkdown("| a | b |\nnot a table")).toBe("<p>| a | b | not a table</p>");
  });
});
