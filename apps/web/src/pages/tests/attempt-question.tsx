import { Card, Checkbox, Group, NativeSelect, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatTime } from '../../time';
import { Item } from './types';

export type Save = { state: 'saving' | 'saved' | 'error'; at?: string; message?: string };
export type Answer = Record<string, unknown>;

function SaveIndicator({ save, zone }: { save?: Save; zone: string }) {
  if (!save)
    return (
      <Text size="xs" c="dimmed">
        Not answered
      </Text>
    );
  if (save.state === 'saving')
    return (
      <Text size="xs" c="dimmed">
        Saving…
      </Text>
    );
  if (save.state === 'error')
    return (
      <Text size="xs" c="red.8">
        Not saved: {save.message}
      </Text>
    );
  return (
    <Text size="xs" c="teal.9">
      Saved {save.at ? `at ${formatTime(save.at, zone)}` : ''}
    </Text>
  );
}

export function ItemCard({
  item,
  index,
  value,
  onChange,
  save,
  zone,
}: {
  item: Item;
  index: number;
  value?: Answer;
  onChange: (a: Answer) => void;
  save?: Save;
  zone: string;
}) {
  const heading = `Question ${index + 1}`;
  return (
    <Card withBorder component="section" aria-label={heading}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={700}>{heading}</Text>
          <div aria-live="polite">
            <SaveIndicator save={save} zone={zone} />
          </div>
        </Group>
        {item.type === 'multiple_choice' && item.multiple ? (
          <Checkbox.Group
            label={item.prompt}
            value={(value?.optionIds as string[]) ?? []}
            onChange={(v) => onChange({ optionIds: v })}
          >
            <Stack gap={6} mt="xs">
              {item.options.map((o) => (
                <Checkbox key={o.id} value={o.id} label={o.text} />
              ))}
            </Stack>
          </Checkbox.Group>
        ) : item.type === 'multiple_choice' ? (
          <Radio.Group
            label={item.prompt}
            value={((value?.optionIds as string[]) ?? [])[0] ?? null}
            onChange={(v) => onChange({ optionIds: [v] })}
          >
            <Stack gap={6} mt="xs">
              {item.options.map((o) => (
                <Radio key={o.id} value={o.id} label={o.text} />
              ))}
            </Stack>
          </Radio.Group>
        ) : item.type === 'scenario' ? (
          <Radio.Group
            label={item.prompt}
            value={(value?.optionId as string) ?? null}
            onChange={(v) => onChange({ optionId: v })}
          >
            <Stack gap={6} mt="xs">
              {item.options.map((o) => (
                <Radio key={o.id} value={o.id} label={o.text} />
              ))}
            </Stack>
          </Radio.Group>
        ) : (
          <CodingItem item={item} value={value} onChange={onChange} />
        )}
      </Stack>
    </Card>
  );
}

function CodingItem({
  item,
  value,
  onChange,
}: {
  item: Extract<Item, { type: 'coding' }>;
  value?: Answer;
  onChange: (a: Answer) => void;
}) {
  const language = (value?.language as string) ?? item.languages[0];
  const [code, setCode] = useState<string>((value?.code as string) ?? item.starterCode[language] ?? '');
  // Autosave after a pause in typing.
  useEffect(() => {
    if (code === ((value?.code as string) ?? item.starterCode[language] ?? '')) return;
    const t = setTimeout(() => onChange({ language, code }), 800);
    return () => clearTimeout(t);
  }, [code]);
  return (
    <Stack gap="xs">
      <Text fw={600}>{item.title}</Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {item.statement}
      </Text>
      <NativeSelect
        label="Language"
        data={item.languages}
        value={language}
        onChange={(e) => onChange({ language: e.currentTarget.value, code })}
        maw={240}
      />
      <Textarea
        label="Your code"
        autosize
        minRows={8}
        styles={{ input: { fontFamily: 'monospace' } }}
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
      />
    </Stack>
  );
}
