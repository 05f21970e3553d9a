// Package client is the game client's core, without a screen: the gateway
// API calls (Gateway), the connection to a world (Conn), the client's exact
// copy of the world it sees (View: entities, the player's own vitals, the
// events of the fighting as Effects, and shots flown with the shared
// rules), the client tick (TickClock), own-player prediction with
// tick-tagged inputs sent only on change, and reconciliation, through
// death and respawn (Predictor), the predicted cooldowns of the player's
// abilities (Cooldowns), and interpolation of remote entities for
// rendering (View.RenderPos, Smoother, ServerClock). The Ebitengine client
// draws on top of it, and the load tool's bots are clients built on it
// alone.
//
// It imports no server package and no Ebitengine, and builds for js/wasm.
package client
