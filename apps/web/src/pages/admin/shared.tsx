import { Alert, NativeSelect } from '@mantine/core';
import { ReactNode } from 'react';
import { useCategories } from '../common';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function Done({ children }: { children: ReactNode }) {
  return (
    <Alert color="teal" role="status">
      {children}
    </Alert>
  );
}

export function EligibleCategorySelect({
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
