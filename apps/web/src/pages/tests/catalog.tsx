import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { AssessmentSummary, AttemptView, durationWords } from './types';

interface Track {
  slug: string;
  title: string;
  categorySlug: string;
  assessments: string[];
  status: 'open' | 'legacy';
}

export function useCatalog() {
  return useQuery({
    queryKey: ['assessments'],
    queryFn: () => unwrap<{ assessments: AssessmentSummary[]; tracks: Track[] }>(api.GET('/api/assessments')),
  });
}

export function TestsPage() {
  const { zone } = useAuth();
  const navigate = useNavigate();
  const catalog = useCatalog();
  const attempts = useQuery({
    queryKey: ['attempts'],
    queryFn: () =>
      unwrap<{
        attempts: {
          id: string;
          assessmentSlug: string;
          status: string;
          createdAt: string;
          score: number | null;
          passed: boolean | null;
        }[];
      }>(api.GET('/api/attempts')),
  });
  const start = useMutation({
    mutationFn: (slug: string) =>
      unwrap<AttemptView>(api.POST('/api/assessments/{slug}/attempts', { params: { path: { slug } } })),
    onSuccess: (a) => navigate(`/attempts/${a.id}`),
  });
  return (
    <Stack>
      <Title order={2}>Tests</Title>
      <ErrorAlert error={start.error} title="Could not start the test" />
      <QueryView query={catalog} label="Loading the catalog">
        {({ assessments }) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {assessments.map((a) => (
              <Card key={a.slug} withBorder component="article" aria-labelledby={`test-${a.slug}`}>
                <Stack gap="xs" h="100%">
                  <Title order={3} size="h4" id={`test-${a.slug}`}>
                    {a.title}
                  </Title>
                  <Text size="sm">{a.description}</Text>
                  <Group gap={6}>
                    <Badge variant="light">{durationWords(a.duration)}</Badge>
                    <Badge variant="light">{a.itemCount} questions</Badge>
                    {a.proctored && (
                      <Badge variant="light" color="grape">
                        proctored
                      </Badge>
                    )}
                    {a.access === 'invited' && (
                      <Badge variant="light" color="gray">
                        by invitation
                      </Badge>
                    )}
                  </Group>
                  <Text size="xs">Pass mark {a.passingScore}%</Text>
                  <Button
                    mt="auto"
                    onClick={() => start.mutate(a.slug)}
                    loading={start.isPending && start.variables === a.slug}
                    aria-describedby={`test-${a.slug}`}
                  >
                    Start test
                  </Button>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryView>
      <Title order={3}>My attempts</Title>
      <QueryView query={attempts} label="Loading your attempts">
        {({ attempts }) =>
          attempts.length === 0 ? (
            <Text c="dimmed">No attempts yet.</Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Test</Table.Th>
                    <Table.Th>Started</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Score</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {attempts.map((a) => (
                    <Table.Tr key={a.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/attempts/${a.id}`}>
                          {catalog.data?.assessments.find((x) => x.slug === a.assessmentSlug)?.title ??
                            a.assessmentSlug}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{formatDateTime(a.createdAt, zone)}</Table.Td>
                      <Table.Td>{a.status.replace(/_/g, ' ')}</Table.Td>
                      <Table.Td>{a.score === null ? '—' : `${a.score}%${a.passed ? ' (passed)' : ''}`}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Stack>
  );
}
