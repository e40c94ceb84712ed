import { createRouter, createWebHistory } from 'vue-router';
import { useAuth } from './stores/auth.js';
import { live } from './stores/live.js';
import { setUnauthorizedHandler } from './api/index.js';

export function isNarrow() {
  return typeof window !== 'undefined' && window.matchMedia && window.matchMedia('(max-width: 768px)').matches;
}

const routes = [
  { path: '/login', name: 'login', component: () => import('./desktop/LoginPage.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./desktop/DesktopLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./desktop/HomePage.vue') },
      { path: 'data/:entity', name: 'entity', component: () => import('./desktop/EntityPage.vue'), props: true },
      { path: 'users', name: 'users', component: () => import('./desktop/UsersPage.vue'), meta: { perm: 'users.manage' } },
      { path: 'audit', name: 'audit', component: () => import('./desktop/AuditPage.vue'), meta: { perm: 'audit.read' } },
      // Work permits (issue 3)
      { path: 'permits', name: 'permits', component: () => import('./desktop/permits/PermitList.vue') },
      { path: 'permits/new', name: 'permit-new', component: () => import('./desktop/permits/PlanPage.vue') },
      { path: 'permits/queue', name: 'permit-queue', component: () => import('./desktop/permits/QueuePage.vue') },
      { path: 'permits/board', name: 'permit-board', component: () => import('./desktop/permits/BoardPage.vue') },
      { path: 'permits/types', name: 'permit-types', component: () => import('./desktop/permits/WorkTypesPage.vue') },
      { path: 'permits/:id/edit', name: 'permit-edit', component: () => import('./desktop/permits/PlanPage.vue') },
      { path: 'permits/:id', name: 'permit', component: () => import('./desktop/permits/PermitDetail.vue'), props: true },
      // Hazards, risk register, inspections, incidents (issue 4)
      { path: 'hazards', name: 'hazards', component: () => import('./desktop/hazards/LedgerPage.vue') },
      { path: 'hazards/overdue', name: 'hazards-overdue', component: () => import('./desktop/hazards/OverduePage.vue') },
      { path: 'hazards/:id', name: 'hazard', component: () => import('./desktop/hazards/HazardDetail.vue'), props: true },
      { path: 'risk', name: 'risk', component: () => import('./desktop/hazards/RiskPage.vue') },
      { path: 'inspections', name: 'inspections', component: () => import('./desktop/hazards/InspectionsPage.vue') },
      { path: 'incidents', name: 'incidents', component: () => import('./desktop/hazards/IncidentsPage.vue') },
      // Monitoring: board, alarms, violations (issue 5)
      { path: 'monitor', name: 'monitor-board', component: () => import('./desktop/monitor/BoardPage.vue') },
      { path: 'monitor/alarms', name: 'monitor-alarms', component: () => import('./desktop/monitor/AlarmsPage.vue') },
      { path: 'monitor/violations', name: 'monitor-violations', component: () => import('./desktop/monitor/ViolationsPage.vue') },
      { path: 'monitor/webhooks', name: 'monitor-webhooks', component: () => import('./desktop/monitor/WebhooksPage.vue'), meta: { perm: 'users.manage' } },
    ],
  },
  { path: '/m/login', name: 'm-login', component: () => import('./mobile/MobileLogin.vue'), meta: { public: true, mobile: true } },
  {
    path: '/m',
    component: () => import('./mobile/MobileLayout.vue'),
    meta: { mobile: true },
    children: [
      { path: '', name: 'm-home', component: () => import('./mobile/MobileHome.vue') },
      { path: 'tasks', name: 'm-tasks', component: () => import('./mobile/permits/MyTasks.vue') },
      { path: 'permits/new', name: 'm-permit-new', component: () => import('./mobile/permits/MobileApply.vue') },
      { path: 'permits/:id', name: 'm-permit', component: () => import('./mobile/permits/MobilePermit.vue'), props: true },
      // Hazards (issue 4)
      { path: 'hazards', name: 'm-hazards', component: () => import('./mobile/hazards/HazardsTab.vue') },
      { path: 'hazards/new', name: 'm-hazard-new', component: () => import('./mobile/hazards/ReportHazard.vue') },
      { path: 'hazards/:id', name: 'm-hazard', component: () => import('./mobile/hazards/MobileHazard.vue'), props: true },
      { path: 'inspections/:id', name: 'm-inspection', component: () => import('./mobile/hazards/MobileInspection.vue'), props: true },
      // Monitoring (issue 5)
      { path: 'alarms', name: 'm-alarms', component: () => import('./mobile/monitor/AlarmFeed.vue') },
      { path: 'data', name: 'm-data', component: () => import('./mobile/MobileData.vue') },
      { path: 'data/:entity', name: 'm-entity', component: () => import('./mobile/MobileEntityList.vue'), props: true },
      { path: 'data/:entity/new', name: 'm-entity-new', component: () => import('./mobile/MobileEntityForm.vue'), props: true },
      { path: 'data/:entity/:id', name: 'm-entity-detail', component: () => import('./mobile/MobileEntityDetail.vue'), props: true },
      { path: 'me', name: 'm-me', component: () => import('./mobile/MobileMe.vue') },
      { path: 'notifications', name: 'm-notifications', component: () => import('./mobile/MobileNotifications.vue') },
    ],
  },
  { path: '/p/:token', name: 'permit-public', component: () => import('./mobile/permits/PublicStatus.vue'), props: true, meta: { public: true } },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

function loginRoute(to) {
  const mobile = to.path.startsWith('/m') || isNarrow();
  const redirect = to.fullPath !== '/' && to.fullPath !== '/m' ? to.fullPath : undefined;
  return { name: mobile ? 'm-login' : 'login', query: redirect ? { redirect } : {} };
}

router.beforeEach(async (to) => {
  const auth = useAuth();
  if (to.meta.public) {
    // A phone that lands on the desktop login goes to the mobile one.
    if (to.name === 'login' && isNarrow() && !to.query.desktop && !sessionStorage.getItem('anguan.desktop')) return { name: 'm-login', query: to.query };
    return true;
  }
  if (!auth.token) return loginRoute(to);
  if (!auth.user) {
    try {
      await auth.fetchMe();
    } catch {
      auth.clear();
      return loginRoute(to);
    }
  }
  live.start();
  if (to.meta.perm && !auth.can(to.meta.perm)) return to.path.startsWith('/m') ? { name: 'm-home' } : { name: 'home' };
  return true;
});

setUnauthorizedHandler(() => {
  const auth = useAuth();
  const wasLoggedIn = !!auth.token;
  auth.clear();
  const current = router.currentRoute.value;
  if (current.meta && current.meta.public) return;
  if (wasLoggedIn) sessionStorage.setItem('anguan.expired', '1');
  router.replace(loginRoute(current));
});
