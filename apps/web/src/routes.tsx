import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from './auth';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { SignInPage, SignUpPage } from './pages/sign-in';
import { InboxPage } from './pages/inbox';
import { FreelancerDashboard } from './pages/freelancer/dashboard';
import { BookPage } from './pages/freelancer/book';
import { CallPage, CallsPage } from './pages/freelancer/call';
import { NotFound } from './pages/not-found';
import { TestsPage } from './pages/tests/catalog';
import { AttemptPage } from './pages/tests/attempt';
import { ProctorAttemptPage, ProctorLivePage } from './pages/proctor/proctor';
import { FollowPage, FreelancerProfilePage, WebhooksPage } from './pages/client/client';
import {
  IdentityPage,
  InvitePage,
  ReviewsPage,
  StaffPage,
  SupplyPage,
  TracksPage,
  WindowsPage,
} from './pages/admin/admin';
import { ProfilePage } from './pages/freelancer/profile';
import { AgendaPage } from './pages/tm/agenda';
import { AvailabilityPage } from './pages/tm/availability';
import { TalentManagerCallPage } from './pages/tm/tm-call';

export function AppRoutes() {
  const { user, loading } = useAuth();
  if (loading) return <Loading label="Signing you in" />;
  if (!user) {
    return (
      <Routes>
        <Route path="/sign-up" element={<SignUpPage />} />
        <Route path="*" element={<SignInPage />} />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route path="/sign-in" element={<Navigate to="/" replace />} />
      <Route path="/sign-up" element={<Navigate to="/" replace />} />
      <Route element={<Layout />}>
        <Route path="/inbox" element={<InboxPage />} />
        {user.role === 'freelancer' && (
          <>
            <Route path="/" element={<FreelancerDashboard />} />
            <Route path="/book" element={<BookPage />} />
            <Route path="/calls" element={<CallsPage />} />
            <Route path="/calls/:id" element={<CallPage />} />
            <Route path="/tests" element={<TestsPage />} />
            <Route path="/profile" element={<ProfilePage />} />
            <Route path="/attempts/:id" element={<AttemptPage />} />
          </>
        )}
        {user.role === 'talent_manager' && (
          <>
            <Route path="/" element={<AgendaPage />} />
            <Route path="/availability" element={<AvailabilityPage />} />
            <Route path="/calls/:id" element={<TalentManagerCallPage />} />
          </>
        )}
        <Route path="/freelancers/:id" element={<FreelancerProfilePage />} />
        {user.role === 'client' && (
          <>
            <Route path="/" element={<FollowPage />} />
            <Route path="/webhooks" element={<WebhooksPage />} />
          </>
        )}
        {user.role === 'admin' && (
          <>
            <Route path="/" element={<InvitePage />} />
            <Route path="/admin/windows" element={<WindowsPage />} />
            <Route path="/admin/staff" element={<StaffPage />} />
            <Route path="/admin/supply" element={<SupplyPage />} />
            <Route path="/admin/tracks" element={<TracksPage />} />
            <Route path="/admin/reviews" element={<ReviewsPage />} />
            <Route path="/admin/identity" element={<IdentityPage />} />
            <Route path="/webhooks" element={<WebhooksPage />} />
          </>
        )}
        {user.role === 'proctor' && <Route path="/" element={<ProctorLivePage />} />}
        {(user.role === 'proctor' || user.role === 'admin') && (
          <>
            <Route path="/proctoring" element={<ProctorLivePage />} />
            <Route path="/proctoring/attempts/:id" element={<ProctorAttemptPage />} />
          </>
        )}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
