// Modals as Discord checks them (labels, text inputs, selects, radio/checkbox groups, checkboxes) and the values a submit carries.
import { ComponentType } from 'discord-api-types/v10';
import { Errors, codePoints, isRecord, optNumber, optString } from './util.js';

/** What a test member types or picks, by the input's custom_id. */
export type ModalFieldInput = string | string[] | boolean | null;

const fail = (path: string, message: string, code = 'BASE_TYPE_BAD_LENGTH') => Errors.invalidForm(path, message, code);

function checkLength(path: string, value: unknown, min: number, max: number): void {
  const text = optString(value);
  // Discord counts code points: an emoji is one character.
  if (text === undefined || codePoints(text) < min || codePoints(text) > max) throw fail(path, `Must be between ${min} and ${max} in length.`);
}

/** A select's or group's options (in a modal or a message): min-max of them, label and value 1-100, description ≤ 100, values unique. */
export function checkOptions(path: string, options: unknown, min: number, max: number): Record<string, unknown>[] {
  if (!Array.isArray(options) || options.length < min || options.length > max) throw fail(`${path}.options`, `Must be between ${min} and ${max} in length.`);
  options.forEach((o, i) => {
    if (!isRecord(o)) throw fail(`${path}.options.${i}`, 'Must be an object.', 'MODEL_TYPE_CONVERT');
  });
  const list = options as Record<string, unknown>[];
  const values = new Set<string>();
  list.forEach((o, i) => {
    checkLength(`${path}.options.${i}.label`, o['label'], 1, 100);
    checkLength(`${path}.options.${i}.value`, o['value'], 1, 100);
    if (o['description'] !== undefined) checkLength(`${path}.options.${i}.description`, o['description'], 0, 100);
    const v = String(o['value']);
    if (values.has(v)) throw fail(`${path}.options.${i}.value`, 'Option values must be unique.', 'COMPONENT_DUPLICATE_OPTION_VALUE');
    values.add(v);
  });
  return list;
}

/** Validates a modal callback's components like Discord does; throws a 50035 error on the first problem. */
export function validateModalComponents(components: unknown[]): void {
  if (components.length < 1 || components.length > 5) throw fail('data.components', 'Must be between 1 and 5 in length.');
  const ids = new Set<string>();
  const checkId = (path: string, c: Record<string, unknown>) => {
    checkLength(`${path}.custom_id`, c['custom_id'], 1, 100);
    const id = String(c['custom_id']);
    if (ids.has(id)) throw fail(`${path}.custom_id`, 'Component custom id cannot be duplicated', 'COMPONENT_CUSTOM_ID_DUPLICATED');
    ids.add(id);
  };
  const textInput = (path: string, c: Record<string, unknown>, inLabel: boolean) => {
    checkId(path, c);
    const style = optNumber(c['style']);
    if (style !== 1 && style !== 2) throw fail(`${path}.style`, 'Value must be one of (1, 2).', 'BASE_TYPE_CHOICES');
    if (!inLabel) checkLength(`${path}.label`, c['label'], 1, 45);
    else if (c['label'] !== undefined) throw fail(`${path}.label`, 'A text input inside a label cannot have its own label.', 'BASE_TYPE_INVALID');
    const min = optNumber(c['min_length']);
    const max = optNumber(c['max_length']);
    if (min !== undefined && (min < 0 || min > 4000)) throw fail(`${path}.min_length`, 'Must be between 0 and 4000.', 'NUMBER_TYPE_MAX');
    if (max !== undefined && (max < 1 || max > 4000)) throw fail(`${path}.max_length`, 'Must be between 1 and 4000.', 'NUMBER_TYPE_MAX');
    if (c['value'] !== undefined) checkLength(`${path}.value`, c['value'], 0, max ?? 4000);
    if (c['placeholder'] !== undefined) checkLength(`${path}.placeholder`, c['placeholder'], 0, 100);
  };
  components.forEach((top, i) => {
    const path = `data.components.${i}`;
    if (!isRecord(top)) throw fail(path, 'Must be an object.', 'MODEL_TYPE_CONVERT');
    switch (top['type']) {
      case ComponentType.TextDisplay:
        checkLength(`${path}.content`, top['content'], 1, 4000);
        return;
      case ComponentType.ActionRow: {
        const children = Array.isArray(top['components']) ? top['components'] : [];
        if (children.length !== 1 || !isRecord(children[0]) || children[0]['type'] !== ComponentType.TextInput) {
          throw fail(`${path}.components`, 'An action row in a modal holds exactly one text input.', 'BASE_TYPE_INVALID');
        }
        textInput(`${path}.components.0`, children[0], false);
        return;
      }
      case ComponentType.Label: {
        checkLength(`${path}.label`, top['label'], 1, 45);
        if (top['description'] !== undefined) checkLength(`${path}.description`, top['description'], 0, 100);
        const c = top['component'];
        const cp = `${path}.component`;
        if (!isRecord(c)) throw fail(cp, 'This field is required', 'BASE_TYPE_REQUIRED');
        switch (c['type']) {
          case ComponentType.TextInput:
            textInput(cp, c, true);
            return;
          case ComponentType.StringSelect: {
            checkId(cp, c);
            if (c['placeholder'] !== undefined) checkLength(`${cp}.placeholder`, c['placeholder'], 0, 150);
            const options = checkOptions(cp, c['options'], 1, 25);
            const min = optNumber(c['min_values']) ?? 1;
            const max = optNumber(c['max_values']) ?? 1;
            if (min < 0 || min > 25) throw fail(`${cp}.min_values`, 'Must be between 0 and 25.', 'NUMBER_TYPE_MAX');
            if (max < 1 || max > 25 || max < min) throw fail(`${cp}.max_values`, 'Must be between 1 and 25, and at least min_values.', 'NUMBER_TYPE_MAX');
            if (max > options.length) throw fail(`${cp}.max_values`, `Must be less than or equal to ${options.length}.`, 'NUMBER_TYPE_MAX');
            return;
          }
          case ComponentType.RadioGroup:
            checkId(cp, c);
            if (checkOptions(cp, c['options'], 2, 10).filter((o) => o['default'] === true).length > 1) throw fail(`${cp}.options`, 'Only one option can be default.', 'BASE_TYPE_INVALID');
            return;
          case ComponentType.CheckboxGroup: {
            checkId(cp, c);
            const options = checkOptions(cp, c['options'], 1, 10);
            const min = optNumber(c['min_values']) ?? 1;
            const max = optNumber(c['max_values']) ?? options.length;
            if (min < 0 || min > 10) throw fail(`${cp}.min_values`, 'Must be between 0 and 10.', 'NUMBER_TYPE_MAX');
            if (max < 1 || max > options.length || max < min) throw fail(`${cp}.max_values`, `Must be between 1 and ${options.length}, and at least min_values.`, 'NUMBER_TYPE_MAX');
            return;
          }
          case ComponentType.Checkbox:
            checkId(cp, c);
            return;
          case ComponentType.UserSelect:
          case ComponentType.RoleSelect:
          case ComponentType.MentionableSelect:
          case ComponentType.ChannelSelect:
            checkId(cp, c);
            if (c['placeholder'] !== undefined) checkLength(`${cp}.placeholder`, c['placeholder'], 0, 150);
            return;
          case ComponentType.FileUpload:
            checkId(cp, c);
            return;
          default:
            throw fail(`${cp}.type`, 'This component type is not allowed in a label.', 'BASE_TYPE_CHOICES');
        }
      }
      default:
        throw fail(`${path}.type`, 'A modal holds labels, text displays or (deprecated) action rows.', 'BASE_TYPE_CHOICES');
    }
  });
}

/**
 * The submitted shape of one input inside a label, as Discord sends it: `value` for text inputs
 * and radio groups, `values` for selects and checkbox groups, a boolean `value` for a checkbox.
 * Throws (a test error) when the member's input is something the client would not let them send.
 */
export function submittedComponent(c: Record<string, unknown>, raw: ModalFieldInput | undefined, id: number): Record<string, unknown> {
  const customId = String(c['custom_id']);
  const problem = (what: string) => new Error(`FakeDiscord: modal input "${customId}" ${what}`);
  const required = c['required'] !== false;
  const optionValues = (Array.isArray(c['options']) ? c['options'].filter(isRecord) : []).map((o) => String(o['value']));
  const defaults = (Array.isArray(c['options']) ? c['options'].filter(isRecord) : []).filter((o) => o['default'] === true).map((o) => String(o['value']));
  const list = (fallback: string[]): string[] => (raw === undefined ? fallback : raw === null ? [] : Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [String(raw)]);
  switch (c['type']) {
    case ComponentType.RadioGroup: {
      if (Array.isArray(raw) || typeof raw === 'boolean') throw problem('is a radio group: give one value');
      const value = raw === undefined ? (defaults[0] ?? null) : raw;
      if (value !== null && !optionValues.includes(value)) throw problem(`has no option "${value}"`);
      if (required && value === null) throw problem('is required');
      return { type: ComponentType.RadioGroup, id, custom_id: customId, value };
    }
    case ComponentType.Checkbox: {
      if (raw !== undefined && typeof raw !== 'boolean') throw problem('is a checkbox: give true or false');
      return { type: ComponentType.Checkbox, id, custom_id: customId, value: raw ?? c['default'] === true };
    }
    case ComponentType.CheckboxGroup:
    case ComponentType.StringSelect: {
      const values = list(defaults);
      for (const v of values) if (!optionValues.includes(v)) throw problem(`has no option "${v}"`);
      if (new Set(values).size !== values.length) throw problem('got the same option twice');
      const isGroup = c['type'] === ComponentType.CheckboxGroup;
      const min = optNumber(c['min_values']) ?? 1;
      const max = optNumber(c['max_values']) ?? (isGroup ? optionValues.length : 1);
      if (values.length === 0 ? required && min > 0 : values.length < min || values.length > max) throw problem(`takes ${min} to ${max} values, got ${values.length}`);
      return { type: c['type'], id, custom_id: customId, values };
    }
    default: {
      const values = list([]);
      return { type: c['type'], id, custom_id: customId, values };
    }
  }
}
