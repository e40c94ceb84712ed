// Desktop menu entries for monitoring (issue 5 §8; DesktopLayout renders them).
import { markRaw } from 'vue';
import { Monitor, Bell, VideoCamera, Connection } from '@element-plus/icons-vue';

export const monitorMenu = [
  { path: '/monitor', key: 'board', test: 'monitor-board', icon: markRaw(Monitor) },
  { path: '/monitor/alarms', key: 'alarms', test: 'monitor-alarms', icon: markRaw(Bell) },
  { path: '/monitor/violations', key: 'violations', test: 'monitor-violations', icon: markRaw(VideoCamera) },
  { path: '/monitor/webhooks', key: 'webhooks', test: 'monitor-webhooks', icon: markRaw(Connection) },
];
