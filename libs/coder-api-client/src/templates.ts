/** Templates, template versions, presets and rich parameters. */
import type { Http } from './http.js';
import { arrayOf, objectWith } from './parse.js';
import type { CoderClient, Preset, Template, TemplateVersion, TemplateVersionParameter } from './types.js';

export type TemplatesApi = Pick<CoderClient, 'listTemplates' | 'getTemplate' | 'getTemplateVersion' | 'getTemplateVersionPresets' | 'getTemplateVersionRichParameters'>;

const parseTemplates = arrayOf<Template>('template', ['id', 'name']);
const parseTemplate = objectWith<Template>('template', ['id', 'name']);
const parseVersion = objectWith<TemplateVersion>('template version', ['id']);
const parsePresets = arrayOf<Preset>('preset', ['ID', 'Name']);
const parseParameters = arrayOf<TemplateVersionParameter>('template version parameter', ['name']);

export function createTemplatesApi(http: Http): TemplatesApi {
  return {
    listTemplates(opts) {
      const path = '/api/v2/templates' as const;
      return http.request('GET', path, (init) => http.raw.GET(path, init), parseTemplates, opts);
    },
    getTemplate(template, opts) {
      const path = '/api/v2/templates/{template}' as const;
      const params = { path: { template } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseTemplate, opts);
    },
    getTemplateVersion(templateversion, opts) {
      const path = '/api/v2/templateversions/{templateversion}' as const;
      const params = { path: { templateversion } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseVersion, opts);
    },
    getTemplateVersionPresets(templateversion, opts) {
      const path = '/api/v2/templateversions/{templateversion}/presets' as const;
      const params = { path: { templateversion } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parsePresets, opts);
    },
    getTemplateVersionRichParameters(templateversion, opts) {
      const path = '/api/v2/templateversions/{templateversion}/rich-parameters' as const;
      const params = { path: { templateversion } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseParameters, opts);
    },
  };
}
