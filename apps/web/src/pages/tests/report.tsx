import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { periodWords } from '../../time';
import type { AttemptView } from './types';

type Bucket = { from: number; to: number; count: number };

/** The norm group's score distribution as bars, the candidate's bucket marked; with a text equivalent. */
export function DistributionChart({ buckets, score, band }: { buckets: Bucket[]; score: number; band: string | null }) {
  const width = 520;
  const height = 200;
  const pad = { l: 32, r: 8, t: 12, b: 32 };
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const bw = (width - pad.l - pad.r) / buckets.length;
  const mine = buckets.findIndex((b) => score >= b.from && (score < b.to || (b.to === 100 && score <= 100)));
  const x = (v: number) => pad.l + ((width - pad.l - pad.r) * v) / 100;
  const summary = `Score distribution of the norm group: ${buckets.map((b) => `${b.from}–${b.to}%: ${b.count}`).join(', ')}. Your score ${score}% is in the ${buckets[mine]?.from ?? '?'}–${buckets[mine]?.to ?? '?'}% bar${band ? `, band ${band}` : ''}.`;
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }} role="img" aria-label={summary}>
        {buckets.map((b, i) => {
          const h = ((height - pad.t - pad.b) * b.count) / max;
          return (
            <g key={b.from}>
              <rect
                x={pad.l + i * bw + 2}
                y={height - pad.b - h}
                width={bw - 4}
                height={h}
                fill={i === mine ? '#5f3dc4' : '#adb5bd'}
              />
              <text
                x={pad.l + i * bw + bw / 2}
                y={height - pad.b + 14}
                fontSize="10"
                textAnchor="middle"
                fill="#343a40"
              >
                {b.from}
              </text>
            </g>
          );
        })}
        <line
          x1={x(score)}
          x2={x(score)}
          y1={pad.t}
          y2={height - pad.b}
          stroke="#c92a2a"
          strokeWidth={2}
          strokeDasharray="4 3"
        />
        <text
          x={score > 80 ? x(score) - 4 : x(score) + 4}
          textAnchor={score > 80 ? 'end' : 'start'}
          y={pad.t + 10}
          fontSize="11"
          fill="#c92a2a"
        >
          you: {score}%
        </text>
        <text x={pad.l} y={height - 4} fontSize="10" fill="#343a40">
          score (%) →
        </text>
        <text x={4} y={pad.t + 8} fontSize="10" fill="#343a40">
          {max}
        </text>
      </svg>
      <figcaption>
        <Text size="xs">{summary}</Text>
      </figcaption>
    </figure>
  );
}

export function ReportView({ attempt }: { attempt: AttemptView }) {
  const r = attempt.report!;
  const score = attempt.score ?? r.score ?? 0;
  const p = r.percentile;
  return (
    <Card withBorder>
      <Stack>
        <Title order={3}>Report</Title>
        <Group>
          <Text size="xl" fw={700}>
            {score}%
          </Text>
          <Badge color={attempt.passed ? 'teal' : 'red'}>{attempt.passed ? 'Passed' : 'Not passed'}</Badge>
          <Text size="sm">pass mark {r.passingScore}%</Text>
          {p && <Badge color="grape">{p.band ?? 'No band'}</Badge>}
        </Group>
        {r.note && <Text size="sm">{r.note}</Text>}
        {p && (
          <Text size="sm">
            Band against the norm group: {p.normGroup.size} graded attempts of this test in the last{' '}
            {periodWords(p.normGroup.window)}
            {typeof p.normGroup.scoredHigher === 'number' ? `; ${p.normGroup.scoredHigher} scored higher` : ''}.
          </Text>
        )}
        {p?.normGroup.distribution && p.normGroup.distribution.length > 0 ? (
          <DistributionChart buckets={p.normGroup.distribution} score={score} band={p.band} />
        ) : (
          <Text size="sm" c="dimmed">
            The norm group's distribution is not available for this attempt.
          </Text>
        )}
        {r.integrity && (
          <Text size="xs" c="dimmed">
            Integrity: {r.integrity.tier} ({r.integrity.points} points), {r.integrity.note}.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
