import { compatibility, present, type ServiceStatus } from '../../extension/src/serviceStatus.js';

const _ = (text: string) => text;
const running = (state: string, apiVersion = 1, reason = ''): ServiceStatus => ({
  running: true,
  state,
  reason,
  version: '0.1.0',
  apiVersion,
});

describe('the indicator presentation', () => {
  it('says the service is not running and offers to start it', () => {
    expect(present({ running: false }, 1, _)).toEqual(
      jasmine.objectContaining({
        iconName: 'steward-offline-symbolic',
        title: 'Steward service is not running',
        canStart: true,
      }),
    );
  });

  it('names each state in words', () => {
    expect(present(running('idle'), 1, _).title).toBe('Steward is idle');
    expect(present(running('starting'), 1, _).title).toBe('Steward is starting');
    expect(present(running('busy'), 1, _).title).toBe('Steward is working');
    expect(present(running('attention', 1, '2 proposals wait'), 1, _)).toEqual(
      jasmine.objectContaining({ iconName: 'steward-attention-symbolic', detail: '2 proposals wait' }),
    );
    expect(present(running('degraded', 1, 'Config is broken.'), 1, _)).toEqual(
      jasmine.objectContaining({ title: 'Steward is running with problems', detail: 'Config is broken.' }),
    );
  });

  it('shows a state it does not know rather than failing', () => {
    expect(present(running('dreaming'), 1, _).title).toBe('Steward is dreaming');
  });

  it('asks for an update when the service is older than the extension', () => {
    const shown = present(running('idle', 1), 2, _);
    expect(shown.title).toBe('Steward service needs an update');
    expect(shown.detail).toContain('API 1');
    expect(shown.detail).toContain('API 2');
  });

  it('keeps working with a newer service and says the extension can be updated', () => {
    const shown = present(running('idle', 3), 2, _);
    expect(shown.title).toBe('Steward is idle');
    expect(shown.detail).toContain('update the extension');
  });

  it('translates through the given gettext', () => {
    expect(present({ running: false }, 1, (text) => `«${text}»`).title).toBe('«Steward service is not running»');
  });

  it('compares API revisions', () => {
    expect(compatibility(1, 1)).toBe('compatible');
    expect(compatibility(1, 2)).toBe('service-older');
    expect(compatibility(2, 1)).toBe('service-newer');
  });
});
