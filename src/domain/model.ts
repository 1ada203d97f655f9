export interface Organisation {
  orgId: string;
  name: string;
  description?: string;
  createdAt: string;
}

export interface Environment {
  orgId: string;
  envId: string;
  name: string;
  description?: string;
  clientPoolId: string;
  createdAt: string;
}

export interface Pool {
  clientPoolId: string;
  orgId: string;
  envId: string;
}

export interface RootCertificate {
  fingerprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  filename: string;
  uploadedAt: string;
  /** base64 DER: the token function reads the pool's trust list from DynamoDB alone. */
  der: string;
  objectKey: string;
}

export interface Provisioning {
  thumbprint: string;
  serial: string;
  issuer: string;
  notAfter: string;
  businessUnit?: string;
  firstSeen: string;
  lastSeen: string;
}

export interface Device {
  deviceId: string;
  orgId: string;
  envId: string;
  name?: string;
  description?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  /** true when a platform team created it; false when it appeared through a binding or a first token. */
  preRegistered: boolean;
  createdAt: string;
  provisioning?: Provisioning;
}

export interface Binding {
  deviceId: string;
  clientAppId: string;
  scopes: string[];
  name?: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}
