/**
 * The condition that an item still belongs to the device generation a
 * decision read (keys.ts). Records written before generations existed carry
 * none; they match "no generation", so an existing deployment keeps working
 * and its devices get a generation when they are next re-created.
 */
export function generationCondition(
  generation: string | undefined,
  attribute: 'generation' | 'deviceGeneration' = 'generation',
): { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  if (generation === undefined) {
    return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#generation)', ExpressionAttributeNames: { '#generation': attribute } };
  }
  return {
    ConditionExpression: '#generation = :generation',
    ExpressionAttributeNames: { '#generation': attribute },
    ExpressionAttributeValues: { ':generation': generation },
  };
}
