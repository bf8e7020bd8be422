/**
 * A form built from a calculator's JSON Schema. Every field has a visible label and its
 * description from the schema; yes/no questions are explicit radio pairs (an unanswered question
 * is sent as missing, never as "no"). Errors from the server are shown next to the field their
 * JSON Pointer names, once the user has given that field a value. A question that applies only
 * after another answer (`x-askedWhen`) appears once that answer makes it apply.
 */
import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  NumberInput,
  Radio,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import {
  asked,
  choiceLabel,
  choicesOf,
  fieldHelp,
  fieldLabel,
  type JsonSchema,
  unwrapNullable,
} from "./json-schema.ts";

export type FieldErrors = Record<string, string>;

interface FieldProps {
  name: string;
  /** JSON Pointer of this field in the inputs, e.g. "/iceItems/orientationYear" */
  pointer: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  errors: FieldErrors;
}

export function SchemaForm({
  schema,
  value,
  onChange,
  errors,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  errors: FieldErrors;
}) {
  return (
    <ObjectFields
      pointer=""
      schema={schema}
      value={value}
      onChange={(v) => onChange(v as Record<string, unknown>)}
      errors={errors}
    />
  );
}

function ObjectFields({ pointer, schema, value, onChange, errors }: Omit<FieldProps, "name" | "required">) {
  const obj = (value ?? {}) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  return (
    <Stack gap="sm">
      {Object.entries(schema.properties ?? {})
        .filter(([, sub]) => asked(sub, obj))
        .map(([key, sub]) => (
          <Field
            key={key}
            name={key}
            pointer={`${pointer}/${key}`}
            schema={sub}
            required={required.has(key)}
            value={obj[key]}
            errors={errors}
            onChange={(v) => {
              const next = { ...obj };
              if (v === undefined) delete next[key];
              else next[key] = v;
              onChange(next);
            }}
          />
        ))}
    </Stack>
  );
}

function Field(props: FieldProps) {
  const { name, pointer, required, value, onChange, errors } = props;
  const { t } = useTranslation();
  const { schema } = unwrapNullable(props.schema);
  const label = fieldLabel(name);
  const description = fieldHelp(name, schema.description, props.schema["x-helpKey"] ?? schema["x-helpKey"]);
  const error = value !== undefined ? errors[pointer] : undefined;
  const choices = choicesOf(schema);

  if (schema.type === "boolean") {
    const current = value === true ? "yes" : value === false ? "no" : "";
    return (
      <Radio.Group
        label={label}
        description={description}
        withAsterisk={required}
        error={error}
        value={current}
        onChange={(v) => onChange(v === "yes")}
      >
        <Group mt={4} gap="lg">
          <Radio value="yes" label={t("common.yes")} size="md" />
          <Radio value="no" label={t("common.no")} size="md" />
        </Group>
      </Radio.Group>
    );
  }

  if (choices) {
    return (
      <NativeSelect
        label={label}
        description={description}
        withAsterisk={required}
        error={error}
        size="md"
        value={value === undefined || value === null ? "" : String(value)}
        data={[
          { value: "", label: t("common.notAnswered") },
          ...choices.map((c) => ({ value: String(c), label: choiceLabel(c) })),
        ]}
        onChange={(e) => {
          const raw = e.currentTarget.value;
          onChange(raw === "" ? undefined : choices.find((c) => String(c) === raw));
        }}
      />
    );
  }

  if (schema.type === "number" || schema.type === "integer") {
    return (
      <NumberInput
        label={label}
        description={description}
        withAsterisk={required}
        error={error}
        size="md"
        allowDecimal={schema.type === "number"}
        decimalSeparator="."
        min={schema.minimum}
        max={schema.maximum}
        value={typeof value === "number" ? value : ""}
        onChange={(v) => onChange(typeof v === "number" ? v : v === "" ? undefined : Number(v))}
      />
    );
  }

  if (schema.type === "string") {
    return (
      <TextInput
        label={label}
        description={description}
        withAsterisk={required}
        error={error}
        size="md"
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}
      />
    );
  }

  if (schema.type === "array" && schema.items) {
    const itemChoices = choicesOf(schema.items);
    const list = Array.isArray(value) ? value : [];
    if (itemChoices)
      return (
        <Checkbox.Group
          label={label}
          description={description}
          withAsterisk={required}
          error={error}
          value={list.map(String)}
          onChange={(v) => onChange(v.length ? itemChoices.filter((c) => v.includes(String(c))) : undefined)}
        >
          <Group mt={4} gap="md">
            {itemChoices.map((c) => (
              <Checkbox key={String(c)} value={String(c)} label={choiceLabel(c)} size="md" />
            ))}
          </Group>
        </Checkbox.Group>
      );
    const items = schema.items;
    return (
      <Fieldset legend={`${label}${required ? " *" : ""}`}>
        {description && (
          <Text size="sm" c="dimmed" mb="xs">
            {description}
          </Text>
        )}
        {error && (
          <Text size="sm" c="red.8" role="alert">
            {error}
          </Text>
        )}
        <Stack gap="md">
          {list.map((item, i) => (
            <Fieldset
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
              key={i}
              legend={t("grading.item", { label, n: i + 1 })}
              variant="filled"
            >
              <ObjectFields
                pointer={`${pointer}/${i}`}
                schema={items}
                value={item}
                errors={errors}
                onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))}
              />
              <Button
                mt="sm"
                variant="subtle"
                color="red.8"
                onClick={() => onChange(list.filter((_, j) => j !== i))}
              >
                {t("grading.remove", { item: t("grading.item", { label, n: i + 1 }) })}
              </Button>
            </Fieldset>
          ))}
          <Button variant="light" size="md" onClick={() => onChange([...list, {}])}>
            {t("grading.add")}: {label}
          </Button>
        </Stack>
      </Fieldset>
    );
  }

  if (schema.type === "object" && schema.properties) {
    return (
      <Fieldset legend={`${label}${required ? " *" : ""}`}>
        {description && (
          <Text size="sm" c="dimmed" mb="xs">
            {description}
          </Text>
        )}
        <ObjectFields pointer={pointer} schema={schema} value={value} onChange={onChange} errors={errors} />
      </Fieldset>
    );
  }

  return (
    <Text size="sm" c="dimmed">
      {t("grading.notEnterable", { label })}
    </Text>
  );
}
