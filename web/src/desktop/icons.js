import { OfficeBuilding, MapLocation, User, Medal, SetUp, Tools, Calendar, Document } from '@element-plus/icons-vue';

const ICONS = {
  org_units: OfficeBuilding,
  areas: MapLocation,
  people: User,
  certificates: Medal,
  equipment: SetUp,
  maintenance_windows: Tools,
  holidays: Calendar,
};

export function entityIcon(name) {
  return ICONS[name] || Document;
}
