import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMeta } from '../stores/meta.js';

// Loads /meta/entities in the current language, and again on every language switch.
export function useEntitiesInLocale() {
  const { locale } = useI18n();
  const meta = useMeta();
  watch(
    locale,
    (l) => {
      meta.load(l).catch(() => {});
    },
    { immediate: true },
  );
  return meta;
}
