// ES module entry of setu-auth; the implementation is the CommonJS entry.
import setuAuth from './index.js';

export const {
  TokenManager,
  SetuAuthError,
  Emulator,
  events,
  authFetch,
  axiosInterceptor,
  __napiBindingTarget,
} = setuAuth;
export default setuAuth;
