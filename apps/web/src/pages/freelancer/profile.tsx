import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  MultiSelect,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { useCategories } from '../common';

interface MyProfile {
  title: string;
  overview: string | null;
  categorySlugs: string[];
  skills: string[];
  identityVerified: boolean;
  approvalStatus: 'draft' | 'pending_review' | 'approved' | 'rejected';
  approvalReason: string | null;
  verifiedSkills: number;
  requiredVerifiedSkills: number;
  submittedAt: string | null;
}
interface Review {
  at: string;
  outcome: string;
  code: string | null;
  reason: string;
  advice: string | null;
}

const STATUS_COLOR = { draft: 'gray', pending_review: 'yellow', approved: 'teal', rejected: 'red' } as const;

export function ProfilePage() {
  const { zone } = useAuth();
  const client = useQueryClient();
  const categories = useCategories();
  const profile = useQuery({
    queryKey: ['my-profile'],
    queryFn: () => unwrap<MyProfile>(api.GET('/api/freelancers/me/profile')),
  });
  const reviews = useQuery({
    queryKey: ['my-reviews'],
    queryFn: () => unwrap<{ reviews: Review[] }>(api.GET('/api/freelancers/me/profile/reviews')),
  });
  const [title, setTitle] = useState('');
  const [overview, setOverview] = useState('');
  const [cats, setCats] = useState<string[]>([]);
  const [skills, setSkills] = useState<string[]>([]);
  useEffect(() => {
    if (!profile.data) return;
    setTitle(profile.data.title ?? '');
    setOverview(profile.data.overview ?? '');
    setCats(profile.data.categorySlugs);
    setSkills(profile.data.skills);
  }, [profile.data]);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['my-profile'] });
    void client.invalidateQueries({ queryKey: ['my-reviews'] });
  };
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PUT('/api/freelancers/me/profile', { body: { title, overview, categorySlugs: cats, skills } })),
    onSuccess: () => {
      refresh();
      notifications.show({ title: 'Profile saved', message: '', color: 'teal' });
    },
  });
  const submit = useMutation({
    mutationFn: () => unwrap(api.POST('/api/freelancers/me/profile/submit')),
    onSuccess: refresh,
  });
  const lastRejection = [...(reviews.data?.reviews ?? [])].reverse().find((r) => r.outcome === 'rejected');
  return (
    <Stack>
      <Title order={2}>Profile and approval</Title>
      <QueryView query={profile} label="Loading your profile">
        {(p) => (
          <Stack>
            <Card withBorder>
              <Group>
                <Text fw={600}>Approval status</Text>
                <Badge color={STATUS_COLOR[p.approvalStatus]}>{p.approvalStatus.replace('_', ' ')}</Badge>
                <Text size="sm">
                  {p.verifiedSkills} of {p.requiredVerifiedSkills} verified skills needed
                </Text>
                <Badge color={p.identityVerified ? 'teal' : 'gray'} variant="light">
                  identity {p.identityVerified ? 'verified' : 'not verified'}
                </Badge>
              </Group>
              {p.approvalReason && (
                <Text size="sm" mt="xs">
                  {p.approvalReason}
                </Text>
              )}
              {p.approvalStatus === 'rejected' && lastRejection?.advice && (
                <Alert color="orange" title="What to do next" mt="sm">
                  {lastRejection.advice}
                </Alert>
              )}
              {p.submittedAt && (
                <Text size="xs" c="dimmed" mt="xs">
                  Submitted {formatDateTime(p.submittedAt, zone)}
                </Text>
              )}
            </Card>
            <Card withBorder>
              <Stack>
                <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
                <Textarea
                  label="Overview"
                  autosize
                  minRows={3}
                  value={overview}
                  onChange={(e) => setOverview(e.currentTarget.value)}
                />
                <MultiSelect
                  label="Categories"
                  data={(categories.data ?? []).map((c) => ({ value: c.slug, label: c.name }))}
                  value={cats}
                  onChange={setCats}
                  maxValues={5}
                />
                <TagsInput
                  label="Skills"
                  description="Press Enter after each skill"
                  value={skills}
                  onChange={setSkills}
                />
                <ErrorAlert error={save.error ?? submit.error} />
                <Group>
                  <Button onClick={() => save.mutate()} loading={save.isPending}>
                    Save profile
                  </Button>
                  <Button
                    variant="light"
                    onClick={() => submit.mutate()}
                    loading={submit.isPending}
                    disabled={p.approvalStatus === 'approved' || p.approvalStatus === 'pending_review'}
                  >
                    Submit for approval
                  </Button>
                </Group>
              </Stack>
            </Card>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
