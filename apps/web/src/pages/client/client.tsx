import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth, useUser } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { useCategories } from '../common';
import { PublicProfileView, usePublicProfile } from '../profile-view';

const PLAN_NAME = { marketplace: 'Marketplace', business_plus: 'Business Plus', enterprise: 'Enterprise' } as const;

/** Followed categories for vetted-talent alerts (Business Plus and Enterprise receive them). */
export function FollowPage() {
  const user = useUser();
  const client = useQueryClient();
  const categories = useCategories();
  const alerts = useQuery({
    queryKey: ['talent-alerts'],
    queryFn: () => unwrap<{ categorySlugs: string[] }>(api.GET('/api/clients/me/talent-alerts')),
  });
  const [chosen, setChosen] = useState<string[]>([]);
  useEffect(() => {
    if (alerts.data) setChosen(alerts.data.categorySlugs);
  }, [alerts.data]);
  const save = useMutation({
    mutationFn: () =>
      unwrap<{ categorySlugs: string[] }>(
        api.PUT('/api/clients/me/talent-alerts', { body: { categorySlugs: chosen } }),
      ),
    onSuccess: (d) => {
      client.setQueryData(['talent-alerts'], d);
      notifications.show({ title: 'Saved', message: `Following ${d.categorySlugs.length} categories.`, color: 'teal' });
    },
  });
  const plan = user.plan ?? 'marketplace';
  return (
    <Stack>
      <Title order={2}>Followed categories</Title>
      <Text>
        Your plan: <Badge variant="light">{PLAN_NAME[plan]}</Badge>
      </Text>
      {plan === 'marketplace' && (
        <Alert color="gray" title="Alerts need Business Plus or Enterprise">
          You can follow categories, but real-time alerts about new Expert-Vetted talent are sent to Business Plus and
          Enterprise clients only.
        </Alert>
      )}
      <QueryView query={alerts} label="Loading your followed categories">
        {() => (
          <Card withBorder>
            <Checkbox.Group label="Tell me when vetted talent appears in" value={chosen} onChange={setChosen}>
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
                {(categories.data ?? [])
                  .filter((c) => c.expertVettedEligible)
                  .map((c) => (
                    <Checkbox key={c.slug} value={c.slug} label={c.name} />
                  ))}
              </SimpleGrid>
            </Checkbox.Group>
            <ErrorAlert error={save.error} title="Could not save" />
            <Button mt="md" onClick={() => save.mutate()} loading={save.isPending}>
              Save followed categories
            </Button>
          </Card>
        )}
      </QueryView>
    </Stack>
  );
}

export function FreelancerProfilePage() {
  const { id = '' } = useParams();
  const profile = usePublicProfile(id);
  return (
    <QueryView query={profile} label="Loading the profile">
      {(p) => (
        <Stack>
          <Title order={2}>{p.name}</Title>
          {p.title && <Text fw={600}>{p.title}</Text>}
          {p.overview && <Text>{p.overview}</Text>}
          <PublicProfileView profile={p} />
        </Stack>
      )}
    </QueryView>
  );
}

interface Webhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: string;
  secret?: string;
}
interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export function WebhooksPage() {
  const { zone } = useAuth();
  const client = useQueryClient();
  const hooks = useQuery({
    queryKey: ['webhooks'],
    queryFn: () => unwrap<{ webhooks: Webhook[] }>(api.GET('/api/webhooks')),
  });
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['webhooks'] });
  const create = useMutation({
    mutationFn: () => unwrap<Webhook>(api.POST('/api/webhooks', { body: { url } })),
    onSuccess: (h) => {
      setSecret({ id: h.id, secret: h.secret ?? '' });
      setUrl('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const enable = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/webhooks/{id}/enable', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  return (
    <Stack>
      <Title order={2}>Webhooks</Title>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Group align="flex-end">
            <TextInput
              label="Endpoint URL"
              type="url"
              required
              placeholder="https://example.com/hooks/vetting"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              style={{ flex: 1, minWidth: 240 }}
            />
            <Button type="submit" loading={create.isPending}>
              Add webhook
            </Button>
          </Group>
        </form>
        <ErrorAlert error={create.error} title="Could not add the webhook" />
        {secret && (
          <Alert
            color="yellow"
            title="Signing secret: shown once"
            mt="md"
            withCloseButton
            onClose={() => setSecret(null)}
            closeButtonLabel="Hide the secret"
          >
            <Text size="sm">Copy it now; it is not shown again. Verify `X-Vetting-Signature` with it.</Text>
            <Code block>{secret.secret}</Code>
          </Alert>
        )}
      </Card>
      <ErrorAlert error={remove.error ?? enable.error} />
      <QueryView query={hooks} label="Loading webhooks">
        {({ webhooks }) =>
          webhooks.length === 0 ? (
            <Text c="dimmed">No webhook yet.</Text>
          ) : (
            <Stack>
              {webhooks.map((h) => (
                <Card key={h.id} withBorder>
                  <Group justify="space-between">
                    <div>
                      <Text fw={600} style={{ wordBreak: 'break-all' }}>
                        {h.url}
                      </Text>
                      <Text size="xs">
                        {h.active ? 'active' : `disabled${h.disabledReason ? `: ${h.disabledReason}` : ''}`} · added{' '}
                        {formatDateTime(h.createdAt, zone)} · {h.events.length ? h.events.join(', ') : 'all events'}
                      </Text>
                    </div>
                    <Group gap="xs">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setOpen(open === h.id ? null : h.id)}
                        aria-expanded={open === h.id}
                      >
                        Delivery log
                      </Button>
                      {!h.active && (
                        <Button size="xs" variant="light" onClick={() => enable.mutate(h.id)}>
                          Enable
                        </Button>
                      )}
                      <Button size="xs" color="red" variant="light" onClick={() => remove.mutate(h.id)}>
                        Delete
                      </Button>
                    </Group>
                  </Group>
                  {open === h.id && <Deliveries id={h.id} />}
                </Card>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </Stack>
  );
}

function Deliveries({ id }: { id: string }) {
  const { zone } = useAuth();
  const list = useQuery({
    queryKey: ['deliveries', id],
    queryFn: () =>
      unwrap<{ deliveries: Delivery[] }>(api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id } } })),
    refetchInterval: 5000,
  });
  return (
    <QueryView query={list} label="Loading deliveries">
      {({ deliveries }) =>
        deliveries.length === 0 ? (
          <Text size="sm" mt="sm">
            No delivery yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520} mt="sm">
            <Table aria-label="Deliveries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last answer</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{formatDateTime(d.createdAt, zone)}</Table.Td>
                    <Table.Td>{d.eventType}</Table.Td>
                    <Table.Td>{d.status}</Table.Td>
                    <Table.Td>{d.attempts}</Table.Td>
                    <Table.Td>{d.lastStatusCode ?? d.lastError ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </QueryView>
  );
}
