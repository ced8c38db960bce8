/** What the invitations domain asks of the world, as interfaces the edge implements. */

/** An email to send for one invitation, at one version of its link. No secret travels here. */
export interface EmailRequest {
  invitationId: string;
  linkVersion: number;
}

export interface EmailDispatcher {
  /**
   * Hands emails to the delivery pipeline (the queue). Must not throw for a transport failure:
   * the invitations stay `queued` and the scheduled sweep sends them again.
   */
  enqueue(requests: readonly EmailRequest[]): Promise<void>;
}
