import React from 'react';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import type { PivotJsonData } from '../../settings';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<PivotJsonData>> {}

// Replaced by the configuration page of the foundation issue.
export default function AppConfig(_props: AppConfigProps) {
  return <div>Configuration</div>;
}
