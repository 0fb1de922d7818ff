import {
  Anchor,
  Button,
  Card,
  Center,
  NativeSelect,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  SegmentedControl,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import type { AuthAnswer, Plan } from '../api/types';
import { useAuth } from '../auth';
import { ErrorAlert } from '../components/states';
import { browserZone } from '../time';

export function SignInPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const form = useForm({ initialValues: { email: '', password: '' } });
  const login = useMutation({
    mutationFn: (v: { email: string; password: string }) =>
      unwrap<AuthAnswer>(api.POST('/api/auth/login', { body: v })),
    onSuccess: (answer) => {
      signIn(answer);
      navigate('/');
    },
  });
  return (
    <Center mih="100vh" p="md" component="main">
      <Card withBorder shadow="sm" w="100%" maw={420} padding="lg">
        <form onSubmit={form.onSubmit((v) => login.mutate(v))}>
          <Stack>
            <Title order={1} size="h2">
              Sign in
            </Title>
            <ErrorAlert error={login.error} title="Could not sign in" />
            <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={login.isPending}>
              Sign in
            </Button>
            <Text size="sm">
              New here?{' '}
              <Anchor component={Link} to="/sign-up">
                Create an account
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}

export const TIME_ZONES: string[] = (() => {
  const fn = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  const zones = fn ? fn('timeZone') : [];
  return Array.from(new Set(['UTC', browserZone(), ...zones]));
})();

export function SignUpPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: {
      name: '',
      email: '',
      password: '',
      timeZone: browserZone(),
      role: 'freelancer' as 'freelancer' | 'client',
      plan: 'marketplace' as Plan,
    },
    validate: { password: (v) => (v.length < 8 ? 'At least 8 characters' : null) },
  });
  const register = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap<AuthAnswer>(
        api.POST('/api/auth/register', {
          body: {
            name: v.name,
            email: v.email,
            password: v.password,
            timeZone: v.timeZone,
            role: v.role,
            ...(v.role === 'client' ? { plan: v.plan } : {}),
          },
        }),
      ),
    onSuccess: (answer) => {
      signIn(answer);
      navigate('/');
    },
  });
  return (
    <Center mih="100vh" p="md" component="main">
      <Card withBorder shadow="sm" w="100%" maw={460} padding="lg">
        <form onSubmit={form.onSubmit((v) => register.mutate(v))}>
          <Stack>
            <Title order={1} size="h2">
              Create your account
            </Title>
            <ErrorAlert error={register.error} title="Could not sign up" />
            <div>
              <Text size="sm" fw={500} id="role-label" mb={4}>
                I am a
              </Text>
              <SegmentedControl
                aria-labelledby="role-label"
                fullWidth
                data={[
                  { value: 'freelancer', label: 'Freelancer' },
                  { value: 'client', label: 'Client' },
                ]}
                {...form.getInputProps('role')}
              />
            </div>
            <TextInput label="Name" autoComplete="name" required {...form.getInputProps('name')} />
            <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              required
              description="At least 8 characters"
              {...form.getInputProps('password')}
            />
            <NativeSelect label="Time zone" data={TIME_ZONES} required {...form.getInputProps('timeZone')} />
            {form.values.role === 'client' && (
              <Select
                label="Plan"
                allowDeselect={false}
                data={[
                  { value: 'marketplace', label: 'Marketplace' },
                  { value: 'business_plus', label: 'Business Plus' },
                  { value: 'enterprise', label: 'Enterprise' },
                ]}
                {...form.getInputProps('plan')}
              />
            )}
            <Button type="submit" loading={register.isPending}>
              Sign up
            </Button>
            <Text size="sm">
              Already registered?{' '}
              <Anchor component={Link} to="/sign-in">
                Sign in
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
