import { Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { useAuth } from '../auth';
import { formatDate } from '../time';

export interface PublicProfile {
  id: string;
  name: string;
  timeZone: string;
  title: string;
  overview: string;
  categorySlugs: string[];
  skills: { name: string; verified: boolean }[];
  verifiedSkills: {
    skill: string;
    test: string;
    score?: number;
    band: string | null;
    normGroup: { test: string; size: number; window: string };
    verifiedAt: string;
  }[];
  certifications: { trackSlug: string; title: string; status: string; awardedAt: string }[];
  badge: { kind: string; label: string } | null;
  approvalStatus?: string;
}

export function usePublicProfile(id: string) {
  return useQuery({
    queryKey: ['profile', id],
    queryFn: () => unwrap<PublicProfile>(api.GET('/api/freelancers/{id}', { params: { path: { id } } })),
  });
}

/** Verified skills with bands (and their norm group), certifications and the one badge the viewer may see. */
export function PublicProfileView({ profile }: { profile: PublicProfile }) {
  const { zone } = useAuth();
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }}>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Badge
        </Title>
        {profile.badge ? (
          <Badge size="lg" color="grape">
            {profile.badge.label}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            No badge yet.
          </Text>
        )}
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Verified skills
        </Title>
        {profile.verifiedSkills.length === 0 ? (
          <Text size="sm" c="dimmed">
            None yet: pass a skill test to verify a skill.
          </Text>
        ) : (
          <List size="sm" spacing={4}>
            {profile.verifiedSkills.map((s) => (
              <List.Item key={s.skill}>
                <Group gap={6}>
                  <span aria-hidden>✔</span>
                  <Text size="sm" fw={600}>
                    {s.skill}
                  </Text>
                  {s.band ? <Badge size="sm">{s.band}</Badge> : <Text size="xs">no band</Text>}
                </Group>
                <Text size="xs" c="dimmed">
                  among {s.normGroup.size} graded on {s.normGroup.test} · verified {formatDate(s.verifiedAt, zone)}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Certifications
        </Title>
        {profile.certifications.length === 0 ? (
          <Text size="sm" c="dimmed">
            None yet.
          </Text>
        ) : (
          <Stack gap={4}>
            {profile.certifications.map((c) => (
              <Text size="sm" key={c.trackSlug}>
                {c.title}{' '}
                {c.status === 'legacy' && (
                  <Badge size="xs" color="gray">
                    legacy
                  </Badge>
                )}{' '}
                · {formatDate(c.awardedAt, zone)}
              </Text>
            ))}
          </Stack>
        )}
      </Card>
    </SimpleGrid>
  );
}
