// The part of the cluster port the classroom uses: the optional generic-object methods, required here.

import { ClusterError, type ClusterPort } from '../cluster/port.js';
import type { Lang } from '../lesson/model.js';

export type ClassPort = ClusterPort & Required<Pick<ClusterPort, 'getObject' | 'listObjects' | 'applyObjects' | 'deleteObjects' | 'requestToken' | 'clusterAccess'>>;

export function hasClassOps(port: ClusterPort): port is ClassPort {
  return Boolean(port.getObject && port.listObjects && port.applyObjects && port.deleteObjects && port.requestToken && port.clusterAccess);
}

export function requireClassOps(port: ClusterPort, lang: Lang): ClassPort {
  if (hasClassOps(port)) return port;
  throw new ClusterError(lang === 'zh' ? '这个集群连接不支持课堂命令。' : 'This cluster connection does not support the class commands.', 'other');
}
