//! Webhook deliveries: where one goes and how far it got.

crate::wire_enum! {
    /// Where a delivery is in its life: retried while `pending`, then `delivered` or
    /// `failed` for good.
    pub enum DeliveryStatus {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
    }
}

crate::wire_enum! {
    /// Who a delivery is for: the agent's automation webhook, or a generation's own
    /// `callback_url`.
    pub enum DeliveryTarget {
        Webhook = "webhook",
        Callback = "callback",
    }
}
