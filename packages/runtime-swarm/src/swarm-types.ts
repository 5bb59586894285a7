/** The parts of the Swarm API's objects this package reads (API 1.41). */

/** `GET /services` and `GET /services/{id}`. */
export interface SwarmService {
  ID: string;
  CreatedAt: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string> | null;
    TaskTemplate?: {
      ContainerSpec?: {
        Image?: string;
        Secrets?: Array<{ SecretID?: string; SecretName?: string }> | null;
      };
      Networks?: Array<{ Target?: string }> | null;
    };
  };
}

/** A task's state names, in the order a task goes through them (`docker service ps`). */
export type SwarmTaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

/** `GET /tasks`. */
export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  CreatedAt: string;
  Status: {
    Timestamp?: string;
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

/** `GET /nodes`. */
export interface SwarmNode {
  ID: string;
  Status?: { State?: string };
}

/** `GET /secrets`. */
export interface SwarmSecret {
  ID: string;
  /** RFC 3339. */
  CreatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> | null };
}
