import { escapeHtml } from './escape-html';

/**
 * A few lines of SVG for 2-D line charts: enough for a printable report that
 * must open offline, where a browser chart bundle would be most of the file.
 */

export type Point = readonly [number, number];

export interface AxisSpec {
  domain: readonly [number, number];
  label: string;
  ticks?: number[];
  format?: (v: number) => string;
}

export interface StrokeStyle {
  color: string;
  width?: number;
  dash?: string;
}

export interface LegendItem {
  label: string;
  style: StrokeStyle;
}

export interface PlotSpec {
  /** Unique within the page (names the clip path). */
  id: string;
  title: string;
  width?: number;
  height?: number;
  x: AxisSpec;
  y: AxisSpec;
  /** Drawn in rows above the frame, so it never hides data. */
  legend?: LegendItem[];
}

const MARGIN = { top: 10, right: 16, bottom: 46, left: 56 };
const LEGEND_ROW = 18;
/** Rough width of legend text at 11.5px in a sans-serif font; only used to lay out rows. */
const legendItemWidth = (item: LegendItem): number => 34 + 6.2 * item.label.length;

/** Round-number ticks covering [min, max]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const err = raw / power;
  // d3's rule: the 1-2-5 step whose tick count lands nearest `count`.
  const step = power * (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.SQRT2 ? 2 : 1);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toFixed(12)));
  return ticks;
}

/** Widens [min, max] to round numbers (and to a non-empty span) so the data does not touch the frame. */
export function niceDomain(
  values: number[],
  clamp: readonly [number, number] = [-Infinity, Infinity],
  pad = 0.05,
): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [Math.max(clamp[0], 0), Math.min(clamp[1], 1)];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const span = hi - lo || Math.max(Math.abs(hi) * 0.1, 0.05);
  lo -= span * pad;
  hi += span * pad;
  const step = niceTicks(lo, hi, 5);
  const unit = step.length > 1 ? step[1] - step[0] : span;
  lo = Number((Math.floor(lo / unit) * unit).toFixed(12));
  hi = Number((Math.ceil(hi / unit) * unit).toFixed(12));
  return [Math.max(clamp[0], lo), Math.min(clamp[1], hi)];
}

const num = (v: number): string => (Math.round(v * 100) / 100).toString();

/** An SVG chart under construction: scales, frame and axes, then marks added in data coordinates. */
export class SvgPlot {
  readonly width: number;
  readonly height: number;
  private readonly top: number;
  private readonly legendRows: { item: LegendItem; x: number; y: number }[] = [];
  /** Lines and areas, clipped to the frame. */
  private readonly marks: string[] = [];
  /** Dots and notes, drawn whole even on the frame's edge. */
  private readonly overlay: string[] = [];

  constructor(private readonly spec: PlotSpec) {
    this.width = spec.width ?? 480;
    this.height = spec.height ?? 320;
    let x = MARGIN.left;
    let row = 0;
    for (const item of spec.legend ?? []) {
      const w = legendItemWidth(item);
      if (x > MARGIN.left && x + w > this.width - MARGIN.right) {
        row++;
        x = MARGIN.left;
      }
      this.legendRows.push({ item, x, y: MARGIN.top + row * LEGEND_ROW + 6 });
      x += w + 14;
    }
    this.top = MARGIN.top + (spec.legend?.length ? (row + 1) * LEGEND_ROW + 4 : 4);
  }

  private get innerWidth(): number {
    return this.width - MARGIN.left - MARGIN.right;
  }

  private get innerHeight(): number {
    return this.height - this.top - MARGIN.bottom;
  }

  sx(v: number): number {
    const [a, b] = this.spec.x.domain;
    return MARGIN.left + ((v - a) / (b - a || 1)) * this.innerWidth;
  }

  sy(v: number): number {
    const [a, b] = this.spec.y.domain;
    return this.top + this.innerHeight - ((v - a) / (b - a || 1)) * this.innerHeight;
  }

  /** A polyline; points with a non-finite coordinate break the line into segments. */
  line(points: readonly Point[], style: StrokeStyle, label?: string): this {
    const segments: Point[][] = [[]];
    for (const p of points) {
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) segments[segments.length - 1].push(p);
      else if (segments[segments.length - 1].length) segments.push([]);
    }
    for (const seg of segments.filter((s) => s.length > 1)) {
      const d = seg.map((p) => `${num(this.sx(p[0]))},${num(this.sy(p[1]))}`).join(' ');
      this.marks.push(
        `<polyline class="mark" points="${d}" fill="none" stroke="${escapeHtml(style.color)}" stroke-width="${style.width ?? 2}"` +
          `${style.dash ? ` stroke-dasharray="${escapeHtml(style.dash)}"` : ''} stroke-linejoin="round">${label ? `<title>${escapeHtml(label)}</title>` : ''}</polyline>`,
      );
    }
    return this;
  }

  /** Shades the area between a curve and y = base (e.g. under the ROC curve). */
  area(points: readonly Point[], color: string, base = 0): this {
    const finite = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (finite.length < 2) return this;
    const first = finite[0];
    const last = finite[finite.length - 1];
    const d = [[first[0], base] as Point, ...finite, [last[0], base] as Point]
      .map((p) => `${num(this.sx(p[0]))},${num(this.sy(p[1]))}`)
      .join(' ');
    this.marks.push(`<polygon points="${d}" fill="${escapeHtml(color)}" fill-opacity="0.12" stroke="none"/>`);
    return this;
  }

  dot(p: Point, color: string, radius = 3.5, label?: string): this {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return this;
    this.overlay.push(
      `<circle class="dot" cx="${num(this.sx(p[0]))}" cy="${num(this.sy(p[1]))}" r="${num(radius)}" fill="${escapeHtml(color)}" stroke="#fff" stroke-width="1">` +
        `${label ? `<title>${escapeHtml(label)}</title>` : ''}</circle>`,
    );
    return this;
  }

  /** Text placed at a data point, offset in pixels. */
  note(
    p: Point,
    text: string,
    opts: { dx?: number; dy?: number; anchor?: 'start' | 'middle' | 'end'; color?: string } = {},
  ): this {
    this.overlay.push(
      `<text class="note" x="${num(this.sx(p[0]) + (opts.dx ?? 0))}" y="${num(this.sy(p[1]) + (opts.dy ?? 0))}" text-anchor="${opts.anchor ?? 'start'}"` +
        ` fill="${escapeHtml(opts.color ?? '#222')}">${escapeHtml(text)}</text>`,
    );
    return this;
  }

  render(): string {
    const { x, y, title } = this.spec;
    const xTicks = x.ticks ?? niceTicks(x.domain[0], x.domain[1]);
    const yTicks = y.ticks ?? niceTicks(y.domain[0], y.domain[1]);
    const fx = x.format ?? String;
    const fy = y.format ?? String;
    const left = MARGIN.left;
    const right = this.width - MARGIN.right;
    const top = this.top;
    const bottom = this.height - MARGIN.bottom;
    const grid = [
      ...xTicks.map(
        (t) =>
          `<line class="grid" x1="${num(this.sx(t))}" x2="${num(this.sx(t))}" y1="${top}" y2="${bottom}"/>` +
          `<text class="tick" x="${num(this.sx(t))}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(fx(t))}</text>`,
      ),
      ...yTicks.map(
        (t) =>
          `<line class="grid" x1="${left}" x2="${right}" y1="${num(this.sy(t))}" y2="${num(this.sy(t))}"/>` +
          `<text class="tick" x="${left - 6}" y="${num(this.sy(t) + 4)}" text-anchor="end">${escapeHtml(fy(t))}</text>`,
      ),
    ];
    const legend = this.legendRows.map(
      ({ item, x: lx, y: ly }) =>
        `<line x1="${num(lx)}" x2="${num(lx + 24)}" y1="${ly}" y2="${ly}" stroke="${escapeHtml(item.style.color)}" stroke-width="${item.style.width ?? 2}"` +
        `${item.style.dash ? ` stroke-dasharray="${escapeHtml(item.style.dash)}"` : ''}/>` +
        `<text class="legend" x="${num(lx + 30)}" y="${ly + 4}">${escapeHtml(item.label)}</text>`,
    );
    // Clip lines to the frame so a value outside the domain cannot draw over the axes.
    const clipId = `clip-${this.spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return [
      `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${this.width} ${this.height}" width="${this.width}" height="${this.height}" role="img" aria-label="${escapeHtml(title)}">`,
      `<title>${escapeHtml(title)}</title>`,
      `<defs><clipPath id="${clipId}"><rect x="${left}" y="${top}" width="${this.innerWidth}" height="${this.innerHeight}"/></clipPath></defs>`,
      ...grid,
      `<rect class="frame" x="${left}" y="${top}" width="${this.innerWidth}" height="${this.innerHeight}"/>`,
      `<g clip-path="url(#${clipId})">${this.marks.join('')}</g>`,
      this.overlay.join(''),
      ...legend,
      `<text class="axis-label" x="${num((left + right) / 2)}" y="${this.height - 8}" text-anchor="middle">${escapeHtml(x.label)}</text>`,
      `<text class="axis-label" transform="translate(14 ${num((top + bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(y.label)}</text>`,
      '</svg>',
    ].join('\n');
  }
}
