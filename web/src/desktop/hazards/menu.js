// Desktop menu entries for hazards, the risk register, inspections and incidents (issue 4).
import { markRaw } from 'vue';
import { WarningFilled, AlarmClock, Histogram, List, FirstAidKit } from '@element-plus/icons-vue';

export const hazardMenu = [
  { path: '/hazards', key: 'ledger', test: 'hazards', icon: markRaw(WarningFilled) },
  { path: '/hazards/overdue', key: 'overdue', test: 'hazards-overdue', icon: markRaw(AlarmClock) },
  { path: '/risk', key: 'risk', test: 'risk', icon: markRaw(Histogram) },
  { path: '/inspections', key: 'inspections', test: 'inspections', icon: markRaw(List) },
  { path: '/incidents', key: 'incidents', test: 'incidents', icon: markRaw(FirstAidKit) },
];
