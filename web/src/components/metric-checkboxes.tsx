import type { ComponentChildren } from 'preact';

/** Renders a fieldset with one checkbox per metric name and reports the new list of checked names. */
export function MetricCheckboxes(props: {
  legend: ComponentChildren;
  /** Form field name of the checkboxes. */
  field: string;
  names: readonly string[];
  checked: readonly string[];
  onChange: (checked: string[]) => void;
  class?: string;
}) {
  const { names, checked, onChange } = props;
  return (
    <fieldset {...(props.class === undefined ? {} : { class: props.class })}>
      <legend>{props.legend}</legend>
      {names.map((name) => (
        <label key={name} class="checkbox">
          <input
            type="checkbox"
            name={props.field}
            value={name}
            checked={checked.includes(name)}
            onChange={(event) => {
              const isChecked = event.currentTarget.checked;
              onChange(isChecked ? [...checked, name] : checked.filter((other) => other !== name));
            }}
          />
          {name}
        </label>
      ))}
    </fieldset>
  );
}
