import type { RouteInfo } from '../access/route-catalog';
import { capabilitiesFor, CONSOLE_CAPABILITIES } from './console-views';

const route = (key: string, roles: RouteInfo['roles']): RouteInfo => {
  const [method, path] = key.split(' ');
  return { method, path, controller: 'X', handler: 'x', public: false, roles };
};

describe('capabilitiesFor', () => {
  const routes = [
    route(CONSOLE_CAPABILITIES.overview, ['admin', 'viewer']),
    route(CONSOLE_CAPABILITIES.audit, ['admin', 'auditor']),
    route(CONSOLE_CAPABILITIES['schedules.control'], ['admin']),
  ];

  it("follows the routes' role declarations", () => {
    expect(capabilitiesFor(['viewer'], routes)).toEqual(['overview']);
    expect(capabilitiesFor(['auditor'], routes)).toEqual(['audit']);
    expect(capabilitiesFor(['admin'], routes)).toEqual(['overview', 'schedules.control', 'audit']);
    expect(capabilitiesFor(['viewer', 'auditor'], routes)).toEqual(['overview', 'audit']);
  });

  it('turns a capability off when its route is not served', () => {
    expect(capabilitiesFor(['admin'], [])).toEqual([]);
  });
});
