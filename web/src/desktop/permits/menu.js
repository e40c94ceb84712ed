// Desktop menu entries for work permits (DesktopLayout renders them).
import { markRaw } from 'vue';
import { DocumentAdd, Stamp, Document, Calendar, Setting } from '@element-plus/icons-vue';

export const permitMenu = [
  { path: '/permits/new', key: 'plan', test: 'permit-new', icon: markRaw(DocumentAdd) },
  { path: '/permits/queue', key: 'queue', test: 'permit-queue', icon: markRaw(Stamp) },
  { path: '/permits', key: 'list', test: 'permits', icon: markRaw(Document) },
  { path: '/permits/board', key: 'board', test: 'permit-board', icon: markRaw(Calendar) },
  { path: '/permits/types', key: 'types', test: 'permit-types', icon: markRaw(Setting) },
];
