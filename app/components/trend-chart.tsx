import { useId } from "react";

// A line chart drawn on the server as SVG: no script, sharp in print. It is a
// picture of the table that always sits beside it, which carries the same
// numbers for screen readers and for anyone who wants the exact values.

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };

export function TrendChart({
  title,
  points,
  format,
  maxValue,
}: {
  title: string;
  points: { label: string; value: number }[];
  /** How a value reads on the axis and in the summary. */
  format: (value: number) => string;
  /** The top of the axis (the largest value when not given). */
  maxValue?: number;
}) {
  const titleId = useId();
  const top = Math.max(maxValue ?? 0, ...points.map((p) => p.value)) || 1;
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? innerWidth / 2 : (i * innerWidth) / (points.length - 1));
  const y = (v: number) => PAD.top + innerHeight - (v / top) * innerHeight;
  const ticks = [0, top / 2, top];
  // At most eight labels along the bottom, always the first and the last.
  const every = Math.ceil(points.length / 8);
  const labelled = (i: number) => i === points.length - 1 || (i % every === 0 && points.length - 1 - i >= every / 2);
  const last = points.at(-1);
  const summary = last ? `${title}: ${points.map((p) => `${p.label} ${format(p.value)}`).join("; ")}.` : title;
  return (
    <svg className="app-trend-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={titleId}>{summary}</title>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} stroke="#d8dde0" />
          <text x={PAD.left - 8} y={y(t) + 4} textAnchor="end" fontSize="12" fill="#4c6272">
            {format(t)}
          </text>
        </g>
      ))}
      <polyline fill="none" stroke="#005eb8" strokeWidth="3" points={points.map((p, i) => `${x(i)},${y(p.value)}`).join(" ")} />
      {points.map((p, i) => (
        <g key={`${p.label}-${i}`}>
          <circle cx={x(i)} cy={y(p.value)} r="5" fill="#005eb8" />
          {labelled(i) ? (
            <text x={x(i)} y={HEIGHT - PAD.bottom + 20} textAnchor="middle" fontSize="12" fill="#212b32">
              {p.label}
            </text>
          ) : null}
        </g>
      ))}
    </svg>
  );
}
