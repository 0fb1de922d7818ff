import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound() {
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text>
        This page does not exist or is not available to your role.{' '}
        <Anchor component={Link} to="/">
          Back to the start
        </Anchor>
      </Text>
    </Stack>
  );
}
