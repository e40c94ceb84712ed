// Element Plus styles and locale for the desktop app.
import 'element-plus/dist/index.css';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import en from 'element-plus/es/locale/lang/en';

export function useElementLocale() {
  const { locale } = useI18n();
  return computed(() => (locale.value === 'en' ? en : zhCn));
}
