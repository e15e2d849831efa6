// Known differences that `npm run compat` (@grafana/levitate) reports but that do not break
// Pivot on Grafana 11.6 to 12.x. Each entry was checked by reading both versions' types; add
// one only with the same check, and say here what differs and why Pivot is not affected.
module.exports = {
  changes: [
    // @grafana/data 13.1 added the optional `group` and `openInNewTab` fields to
    // PluginExtensionAddedLinkConfig; the fields 11.6 and 12.x have are the same (title,
    // description, targets, path, onClick, configure, icon, category). Pivot's addLink in
    // src/module.tsx uses none of the new fields.
    /^AppPlugin\.addLink$/,
    // PluginExtensionExposedComponentConfig is the same type (title, description, id,
    // component) in 11.6, 12.4 and 13.1; levitate reports its declaration printed differently.
    /^AppPlugin\.exposeComponent$/,
    // `config` is Grafana's boot config (GrafanaBootConfig), whose many boot fields change in
    // every release; levitate then reports `config` as changed without a detail. Pivot reads
    // only `config.theme2` (Grafana 8+). Reading another field needs the same check by hand.
    /^config$/,
  ],
};
