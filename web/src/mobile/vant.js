// Vant styles and locale for the mobile app.
import 'vant/lib/index.css';
import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { Locale } from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';

export function useVantLocale() {
  const { locale } = useI18n();
  watch(
    locale,
    (l) => {
      if (l === 'en') Locale.use('en-US', enUS);
      else Locale.use('zh-CN', zhCN);
    },
    { immediate: true },
  );
}
