import { AppShell, Badge, Burger, Group, NavLink, Text, Title, Button, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import type { Role } from '../api/types';
import { useAuth } from '../auth';
import { useLive } from '../live';
import { zoneLabel } from '../time';
import { InboxBadge } from '../pages/inbox';
import { api, unwrap } from '../api/client';

/**
 * The queue dashboard is a server page that opens only with a short-lived HttpOnly cookie: the link first asks the
 * api for it (with the admin's token), then opens the dashboard.
 */
function openQueueDashboard(event: React.MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  const href = event.currentTarget.href;
  void unwrap(api.POST('/api/admin/queues/session')).then(
    () => window.location.assign(href),
    () => window.location.assign(href),
  );
}

export const NAV: Record<Role, { to: string; label: string }[]> = {
  freelancer: [
    { to: '/', label: 'Dashboard' },
    { to: '/book', label: 'Book a call' },
    { to: '/calls', label: 'My calls' },
    { to: '/tests', label: 'Tests' },
    { to: '/profile', label: 'Profile' },
    { to: '/inbox', label: 'Inbox' },
  ],
  talent_manager: [
    { to: '/', label: 'Agenda' },
    { to: '/availability', label: 'Availability' },
    { to: '/inbox', label: 'Inbox' },
  ],
  proctor: [
    { to: '/', label: 'Live attempts' },
    { to: '/inbox', label: 'Inbox' },
  ],
  client: [
    { to: '/', label: 'Followed categories' },
    { to: '/inbox', label: 'Inbox' },
    { to: '/webhooks', label: 'Webhooks' },
  ],
  admin: [
    { to: '/', label: 'Invitations' },
    { to: '/admin/windows', label: 'Application windows' },
    { to: '/admin/staff', label: 'Staff' },
    { to: '/admin/supply', label: 'Category supply' },
    { to: '/admin/tracks', label: 'Tracks' },
    { to: '/admin/reviews', label: 'Profile reviews' },
    { to: '/admin/identity', label: 'Identity verification' },
    { to: '/proctoring', label: 'Live attempts' },
    { to: '/inbox', label: 'Inbox' },
  ],
};

const ROLE_NAME: Record<Role, string> = {
  freelancer: 'Freelancer',
  talent_manager: 'Talent manager',
  proctor: 'Proctor',
  client: 'Client',
  admin: 'Admin',
};

export function Layout() {
  const { user, signOut, zone } = useAuth();
  const { connected } = useLive();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  if (!user) return null;
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Title order={1} size="h4">
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                Vetting
              </Link>
            </Title>
            <Badge variant="light" visibleFrom="xs">
              {ROLE_NAME[user.role]}
            </Badge>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <InboxBadge />
            <Text size="sm" visibleFrom="md">
              {user.name} · {zoneLabel(zone)}
            </Text>
            <Badge color={connected ? 'teal' : 'gray'} variant="dot" visibleFrom="sm">
              {connected ? 'Live' : 'Offline'}
            </Badge>
            <Button size="xs" variant="default" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <nav aria-label="Pages">
          {NAV[user.role].map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              active={item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)}
              onClick={close}
            />
          ))}
          {user.role === 'admin' && (
            <NavLink component="a" href="/api/admin/queues" label="Queue dashboard" onClick={openQueueDashboard} />
          )}
        </nav>
      </AppShell.Navbar>
      <AppShell.Main>
        <VisuallyHidden>
          <span aria-live="polite">{connected ? 'Live updates connected' : 'Live updates offline'}</span>
        </VisuallyHidden>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
