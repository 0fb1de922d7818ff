import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import {
  createTheme,
  CSSVariablesResolver,
  defaultVariantColorsResolver,
  MantineProvider,
  parseThemeColor,
  VariantColorsResolver,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { AuthProvider } from './auth';
import { LiveProvider } from './live';
import { AppRoutes } from './routes';

// Light variants (badges, light buttons) get their darkest text shade: the defaults fall below WCAG AA contrast.
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (input.variant === 'light' && parsed.isThemeColor) {
    const pale = ['yellow', 'orange', 'lime', 'cyan', 'teal', 'green'].includes(parsed.color);
    return { ...colors, color: pale ? 'var(--mantine-color-dark-7)' : `var(--mantine-color-${parsed.color}-9)` };
  }
  return colors;
};

// "Dimmed" text and input descriptions one shade darker than Mantine's default, for AA contrast on white.
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
  },
  dark: {},
});

const theme = createTheme({
  primaryColor: 'indigo',
  // Darker shades than the defaults keep text on filled buttons above WCAG AA contrast.
  primaryShade: 9,
  autoContrast: true,
  components: {
    Notification: {
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      styles: { description: { color: 'var(--mantine-color-gray-8)' } },
    },
  },
  variantColorResolver,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" containerWidth="min(440px, calc(100vw - 32px))" />
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <LiveProvider>
            <BrowserRouter>
              <AppRoutes />
            </BrowserRouter>
          </LiveProvider>
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
