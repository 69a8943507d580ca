import { niceDomain, niceTicks, SvgPlot } from './svg-plot';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.62, 0.81)).toEqual([0.65, 0.7, 0.75, 0.8]);
    expect(niceTicks(1, 12)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe('niceDomain', () => {
  it('pads to round numbers inside the clamp, and copes with one value or none', () => {
    expect(niceDomain([0.71, 0.78], [0, 1])).toEqual([0.7, 0.8]);
    const [lo, hi] = niceDomain([0.5], [0, 1]);
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.5);
    expect(niceDomain([], [0, 1])).toEqual([0, 1]);
    expect(niceDomain([0.99, 1], [0, 1])[1]).toBe(1);
  });
});

describe('SvgPlot', () => {
  it('maps data to pixels, breaks lines at gaps and escapes labels', () => {
    const plot = new SvgPlot({
      id: 'p',
      title: 'a < b',
      width: 200,
      height: 100,
      x: { domain: [0, 1], label: 'x' },
      y: { domain: [0, 1], label: 'y' },
      legend: [{ label: '"q"', style: { color: 'red' } }],
    });
    expect(plot.sx(0)).toBe(56);
    expect(plot.sx(1)).toBe(200 - 16);
    expect(plot.sy(0)).toBe(100 - 46);
    expect(plot.sy(1)).toBeGreaterThan(20); // below the legend row
    const svg = plot
      .line(
        [
          [0, 0],
          [0.5, 0.5],
          [0.6, NaN],
          [0.7, 0.2],
          [1, 1],
        ],
        { color: 'red' },
      )
      .render();
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('aria-label="a &lt; b"');
    expect(svg).toContain('&quot;q&quot;');
    expect(svg).toContain('clip-path="url(#clip-p)"');
  });
});
