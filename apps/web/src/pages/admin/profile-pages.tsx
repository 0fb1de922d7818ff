import { Button, Card, Group, Radio, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/states';
import { Done, UUID } from './shared';

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
