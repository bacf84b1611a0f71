// Added to every test page before the dashboard loads. uPlot draws its axes on the canvas,
// so the tick labels are not in the DOM: this records, per canvas, the text of the latest
// frame (a full clearRect starts a frame), and offers helpers that read a panel's canvas.
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText;
  const clearRect = proto.clearRect;
  proto.clearRect = function (x, y, w, h) {
    const c = this.canvas;
    if (x <= 0 && y <= 0 && w >= c.width && h >= c.height) c.__ssTexts = [];
    return clearRect.call(this, x, y, w, h);
  };
  proto.fillText = function (text, x, y, ...rest) {
    const c = this.canvas;
    if (!c.__ssTexts) c.__ssTexts = [];
    c.__ssTexts.push({ text: String(text), x, y, baseline: this.textBaseline });
    return fillText.call(this, text, x, y, ...rest);
  };

  const canvasOf = (selector) => {
    const el = document.querySelector(selector);
    return el ? el.querySelector("canvas") : null;
  };
  // Bottom x axis labels are drawn with baseline "top", y axis labels with "middle".
  const ticks = (selector, baseline) => {
    const c = canvasOf(selector);
    if (!c || !c.__ssTexts) return null;
    return c.__ssTexts
      .filter((t) => t.baseline === baseline)
      .sort((a, b) => (baseline === "top" ? a.x - b.x : b.y - a.y))
      .map((t) => t.text);
  };

  window.__ssTest = Object.freeze({
    xTicks: (selector) => ticks(selector, "top"),
    yTicks: (selector) => ticks(selector, "middle"),
    /** Opaque pixels of the panel's canvas close to the palette's red / blue. */
    colors: (selector) => {
      const c = canvasOf(selector);
      if (!c || c.width === 0 || c.height === 0) return null;
      const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      let blue = 0;
      let other = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
        if (a < 160) continue;
        if (r > 170 && g < 130 && b < 130) red++;
        else if (b > 170 && r < 130 && g < 160) blue++;
        else if (Math.max(r, g, b) - Math.min(r, g, b) > 60) other++;
      }
      return { red, blue, other };
    },
  });
})();
