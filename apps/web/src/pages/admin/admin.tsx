import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  NumberInput,
  PasswordInput,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { useCategories } from '../common';
import { TIME_ZONES } from '../sign-in';
import { useCatalog } from '../tests/catalog';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function Done({ children }: { children: ReactNode }) {
  return (
    <Alert color="teal" role="status">
      {children}
    </Alert>
  );
}

function EligibleCategorySelect({
  value,
  onChange,
  label = 'Category',
  all = false,
}: {
  value: string;
  onChange: (v: string) => void;
  label?: string;
  all?: boolean;
}) {
  const categories = useCategories();
  return (
    <NativeSelect
      label={label}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={[
        { value: '', label: 'Choose a category' },
        ...(categories.data ?? [])
          .filter((c) => all || c.expertVettedEligible)
          .map((c) => ({ value: c.slug, label: c.name })),
      ]}
      required
    />
  );
}

export function InvitePage() {
  const [freelancerId, setFreelancerId] = useState('');
  const [categorySlug, setCategorySlug] = useState('');
  const invite = useMutation({
    mutationFn: () =>
      unwrap<{ id: string; status: string }>(
        api.POST('/api/vetting/invitations', {
          body: { freelancerId: freelancerId.trim(), program: 'expert-vetted', categorySlug },
        }),
      ),
  });
  return (
    <Stack maw={640}>
      <Title order={2}>Invite a freelancer</Title>
      <Text size="sm">Expert-Vetted is by invitation, in the eligible categories only.</Text>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate();
          }}
        >
          <Stack>
            <TextInput
              label="Freelancer ID"
              required
              value={freelancerId}
              onChange={(e) => setFreelancerId(e.currentTarget.value)}
              error={freelancerId && !UUID.test(freelancerId.trim()) ? 'A freelancer ID is a UUID' : null}
            />
            <EligibleCategorySelect value={categorySlug} onChange={setCategorySlug} />
            <ErrorAlert error={invite.error} title="Could not invite" />
            {invite.data && <Done>Invitation sent ({invite.data.status}).</Done>}
            <Button type="submit" loading={invite.isPending} style={{ alignSelf: 'flex-start' }}>
              Invite
            </Button>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}

interface Window {
  id: string;
  program: string;
  categorySlug: string;
  opensAt: string;
  closesAt: string;
}

export function WindowsPage() {
  const { zone } = useAuth();
  const client = useQueryClient();
  const windows = useQuery({
    queryKey: ['windows'],
    queryFn: () => unwrap<{ windows: Window[] }>(api.GET('/api/vetting/application-windows')),
  });
  const [categorySlug, setCategorySlug] = useState('');
  const [closesAt, setClosesAt] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['windows'] });
  const open = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/vetting/application-windows', {
          body: {
            program: 'expert-vetted',
            categorySlug,
            closesAt: new Date(closesAt!.replace(' ', 'T')).toISOString(),
          },
        }),
      ),
    onSuccess: refresh,
  });
  const close = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/vetting/application-windows/{id}/close', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  return (
    <Stack>
      <Title order={2}>Application windows</Title>
      <Card withBorder maw={640}>
        <Stack>
          <EligibleCategorySelect value={categorySlug} onChange={setCategorySlug} />
          <DateTimePicker
            weekendDays={[]}
            label="Closes at"
            description="In your time zone"
            value={closesAt}
            onChange={setClosesAt}
            minDate={new Date()}
            required
          />
          <ErrorAlert error={open.error} title="Could not open the window" />
          <Button
            onClick={() => open.mutate()}
            disabled={!categorySlug || !closesAt}
            loading={open.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Open window
          </Button>
        </Stack>
      </Card>
      <ErrorAlert error={close.error} />
      <QueryView query={windows} label="Loading windows">
        {({ windows }) =>
          windows.length === 0 ? (
            <Text c="dimmed">No open window.</Text>
          ) : (
            <Table.ScrollContainer minWidth={360}>
              <Table aria-label="Open application windows">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Category</Table.Th>
                    <Table.Th>Closes</Table.Th>
                    <Table.Th>
                      <span aria-hidden>·</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {windows.map((w) => (
                    <Table.Tr key={w.id}>
                      <Table.Td>{w.categorySlug}</Table.Td>
                      <Table.Td>{formatDateTime(w.closesAt, zone)}</Table.Td>
                      <Table.Td>
                        <Button size="xs" variant="light" color="red" onClick={() => close.mutate(w.id)}>
                          Close window
                        </Button>
                      </Table.Td>
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

export function StaffPage() {
  const { zone } = useAuth();
  const [v, setV] = useState({ name: '', email: '', password: '', role: 'talent_manager', timeZone: zone });
  const create = useMutation({
    mutationFn: () =>
      unwrap<{ id: string; email: string; role: string }>(api.POST('/api/admin/users', { body: v as never })),
  });
  const field = (k: keyof typeof v) => ({
    value: v[k],
    onChange: (e: { currentTarget: { value: string } }) => setV({ ...v, [k]: e.currentTarget.value }),
  });
  return (
    <Stack maw={640}>
      <Title order={2}>Staff accounts</Title>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <TextInput label="Name" required {...field('name')} />
            <TextInput label="Email" type="email" required {...field('email')} />
            <PasswordInput label="Password" required description="At least 8 characters" {...field('password')} />
            <NativeSelect
              label="Role"
              data={[
                { value: 'talent_manager', label: 'Talent manager' },
                { value: 'proctor', label: 'Proctor' },
                { value: 'admin', label: 'Admin' },
              ]}
              {...field('role')}
            />
            <NativeSelect label="Time zone" data={TIME_ZONES} {...field('timeZone')} />
            <ErrorAlert error={create.error} title="Could not create the account" />
            {create.data && (
              <Done>
                Created {create.data.email} ({create.data.role}).
              </Done>
            )}
            <Button type="submit" loading={create.isPending} style={{ alignSelf: 'flex-start' }}>
              Create account
            </Button>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}

export function SupplyPage() {
  const [categorySlug, setCategorySlug] = useState('');
  const [openJobs, setOpenJobs] = useState<number | string>(10);
  const [max, setMax] = useState<number | string>(5);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/admin/categories/{slug}/supply', {
          params: { path: { slug: categorySlug } },
          body: { openJobs: Number(openJobs), maxFreelancersPerJob: Number(max) },
        }),
      ),
  });
  return (
    <Stack maw={640}>
      <Title order={2}>Category supply</Title>
      <Text size="sm">
        A category is oversupplied when approved freelancers per open job exceed its limit; new profiles there are then
        rejected with advice.
      </Text>
      <Card withBorder>
        <Stack>
          <EligibleCategorySelect value={categorySlug} onChange={setCategorySlug} all />
          <NumberInput label="Open jobs" min={0} value={openJobs} onChange={setOpenJobs} />
          <NumberInput label="Most freelancers per job" min={0.01} decimalScale={2} value={max} onChange={setMax} />
          <ErrorAlert error={save.error} title="Could not save" />
          {save.isSuccess && <Done>Saved.</Done>}
          <Button
            onClick={() => save.mutate()}
            disabled={!categorySlug}
            loading={save.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Save supply limit
          </Button>
        </Stack>
      </Card>
    </Stack>
  );
}

export function TracksPage() {
  const catalog = useCatalog();
  const [track, setTrack] = useState('');
  const [freelancerId, setFreelancerId] = useState('');
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/assessments/tracks/{slug}/invitations', {
          params: { path: { slug: track } },
          body: { freelancerId: freelancerId.trim() },
        }),
      ),
  });
  return (
    <Stack>
      <Title order={2}>Certification tracks</Title>
      <QueryView query={catalog} label="Loading tracks">
        {({ tracks }) => (
          <Stack>
            <Table aria-label="Tracks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Track</Table.Th>
                  <Table.Th>Tests</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tracks.map((t) => (
                  <Table.Tr key={t.slug}>
                    <Table.Td>{t.title}</Table.Td>
                    <Table.Td>{t.assessments.join(', ')}</Table.Td>
                    <Table.Td>
                      <Badge color={t.status === 'open' ? 'teal' : 'gray'} variant="light">
                        {t.status}
                      </Badge>
                      {t.status === 'legacy' && (
                        <Text size="xs" span>
                          {' '}
                          closed to new awards; awards made stay valid
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Card withBorder maw={640}>
              <Stack>
                <Title order={3} size="h4">
                  Invite to a track
                </Title>
                <NativeSelect
                  label="Track"
                  value={track}
                  onChange={(e) => setTrack(e.currentTarget.value)}
                  data={[
                    { value: '', label: 'Choose a track' },
                    ...tracks.filter((t) => t.status === 'open').map((t) => ({ value: t.slug, label: t.title })),
                  ]}
                />
                <TextInput
                  label="Freelancer ID"
                  value={freelancerId}
                  onChange={(e) => setFreelancerId(e.currentTarget.value)}
                />
                <ErrorAlert error={invite.error} title="Could not invite" />
                {invite.isSuccess && <Done>Invited to the track.</Done>}
                <Button
                  onClick={() => invite.mutate()}
                  disabled={!track || !UUID.test(freelancerId.trim())}
                  loading={invite.isPending}
                  style={{ alignSelf: 'flex-start' }}
                >
                  Invite to track
                </Button>
              </Stack>
            </Card>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}

export function ReviewsPage() {
  const [id, setId] = useState('');
  const [decision, setDecision] = useState<'approved' | 'rejected'>('approved');
  const [reason, setReason] = useState('');
  const history = useQuery({
    queryKey: ['reviews', id],
    enabled: UUID.test(id.trim()),
    queryFn: () =>
      unwrap<{ reviews: { decision?: string; status?: string; reason?: string; at?: string; createdAt?: string }[] }>(
        api.GET('/api/admin/profiles/{id}/reviews', { params: { path: { id: id.trim() } } }),
      ),
  });
  const review = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/admin/profiles/{id}/review', {
          params: { path: { id: id.trim() } },
          body: { decision, reason },
        }),
      ),
    onSuccess: () => void history.refetch(),
  });
  return (
    <Stack maw={720}>
      <Title order={2}>Profile reviews</Title>
      <Card withBorder>
        <Stack>
          <TextInput label="Freelancer ID" value={id} onChange={(e) => setId(e.currentTarget.value)} />
          <Radio.Group label="Decision" value={decision} onChange={(v) => setDecision(v as 'approved' | 'rejected')}>
            <Group mt="xs">
              <Radio value="approved" label="Approve" />
              <Radio value="rejected" label="Reject" />
            </Group>
          </Radio.Group>
          <Textarea
            label="Reason (shown to the freelancer)"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <ErrorAlert error={review.error} title="Could not review" />
          {review.isSuccess && <Done>Review recorded.</Done>}
          <Button
            onClick={() => review.mutate()}
            disabled={!UUID.test(id.trim()) || !reason.trim()}
            loading={review.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Record review
          </Button>
        </Stack>
      </Card>
      {history.isError && <ErrorAlert error={history.error} />}
      {history.data && (
        <Card withBorder>
          <Title order={3} size="h4">
            History
          </Title>
          <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>{JSON.stringify(history.data, null, 2)}</pre>
        </Card>
      )}
    </Stack>
  );
}

export function IdentityPage() {
  const [id, setId] = useState('');
  const verify = useMutation({
    mutationFn: () =>
      unwrap<{ expertVetted?: { expertVetted: boolean; missing?: string[] } }>(
        api.POST('/api/admin/freelancers/{id}/identity-verification', { params: { path: { id: id.trim() } } }),
      ),
  });
  return (
    <Stack maw={640}>
      <Title order={2}>Identity verification</Title>
      <Text size="sm">Mark a freelancer's identity as verified once checked; Expert-Vetted is then re-evaluated.</Text>
      <Card withBorder>
        <Stack>
          <TextInput label="Freelancer ID" value={id} onChange={(e) => setId(e.currentTarget.value)} />
          <ErrorAlert error={verify.error} title="Could not verify" />
          {verify.data && (
            <Done>
              Identity verified. Expert-Vetted: {verify.data.expertVetted?.expertVetted ? 'granted' : 'not yet'}.{' '}
              <Link to={`/freelancers/${id.trim()}`}>View the profile</Link>
            </Done>
          )}
          <Button
            onClick={() => verify.mutate()}
            disabled={!UUID.test(id.trim())}
            loading={verify.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Mark identity verified
          </Button>
        </Stack>
      </Card>
    </Stack>
  );
}
