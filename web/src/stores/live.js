import { LiveSocket } from '../api/live.js';
import { getToken } from '../api/session.js';

export const live = new LiveSocket({ getToken });
