import { Button, Card, NativeSelect, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert } from '../../components/states';
import { TIME_ZONES } from '../sign-in';
import { Done } from './shared';

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
