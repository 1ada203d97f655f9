import type { TemplateJson } from './synth-stack';

export interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every statement of the inline policies attached to a function's execution role. */
export function roleStatements(json: TemplateJson, functionLogicalId: string): Statement[] {
  const role = json.Resources[functionLogicalId].Properties.Role['Fn::GetAtt'][0];
  return Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => asArray(r.Properties.Roles).some((ref: any) => ref.Ref === role))
    .flatMap((r) => asArray(r.Properties.PolicyDocument.Statement))
    .map((s: any) => ({ effect: s.Effect, actions: asArray(s.Action), resources: asArray(s.Resource) }));
}

/** True if some Allow statement grants `action` (IAM wildcards honoured). */
export function allows(statements: Statement[], action: string, resourceRef?: string): boolean {
  return statements.some(
    (s) =>
      s.effect === 'Allow' &&
      s.actions.some((a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action)) &&
      (resourceRef === undefined || JSON.stringify(s.resources).includes(`"${resourceRef}"`)),
  );
}

export function actionsWithPrefix(statements: Statement[], prefix: string): string[] {
  return statements.flatMap((s) => s.actions).filter((a) => a === '*' || a.toLowerCase().startsWith(prefix));
}

/** `METHOD /full/path` → logical id of the Lambda function its proxy integration invokes. */
export function routeTable(json: TemplateJson): Map<string, string> {
  const paths = new Map<string, string>();
  const pathOf = (ref: any): string => {
    if (ref['Fn::GetAtt']?.[1] === 'RootResourceId') return '';
    const id: string = ref.Ref;
    if (!paths.has(id)) {
      const props = json.Resources[id].Properties;
      paths.set(id, `${pathOf(props.ParentId)}/${props.PathPart}`);
    }
    return paths.get(id)!;
  };
  const routes = new Map<string, string>();
  for (const r of Object.values(json.Resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method') continue;
    const p = r.Properties;
    const uri = JSON.stringify(p.Integration?.Uri ?? '');
    const target = Object.entries(json.Resources).find(([id, res]) => res.Type === 'AWS::Lambda::Function' && uri.includes(`"${id}"`));
    routes.set(`${p.HttpMethod} ${pathOf(p.ResourceId) || '/'}`, target ? target[0] : `<no function: ${p.Integration?.Type}>`);
  }
  return routes;
}
